package dev.accord.server.backend.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears PostgreSQL's notifications of done marks ({@code NOTIFY accord_done, '<namespace>'}, sent
 * by whichever replica served the Done) on a connection of its own, and passes each namespace to
 * the subscribers of this server. A notification is only a hint to look now: after a lost
 * connection every subscriber is told to look (null), since notifications sent meanwhile are gone.
 * Watchers also look on a timer, so a hint lost still only delays.
 */
final class DoneNotifier implements AutoCloseable {
  static final String CHANNEL = "accord_done";
  private static final Logger log = LoggerFactory.getLogger(DoneNotifier.class);
  private static final int POLL_MILLIS = 500;
  private static final long MAX_BACKOFF_MILLIS = 5_000;

  private final PostgresSettings settings;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private Thread thread;
  private volatile boolean closed;

  DoneNotifier(PostgresSettings settings) {
    this.settings = settings;
  }

  synchronized AutoCloseable subscribe(Consumer<String> listener) {
    listeners.add(listener);
    if (thread == null && !closed) {
      thread = new Thread(this::listen, "accord-done-notifier");
      thread.setDaemon(true);
      thread.start();
    }
    return () -> listeners.remove(listener);
  }

  private void listen() {
    long backoff = 100;
    boolean failing = false;
    while (!closed) {
      try (Connection connection = connect();
          Statement statement = connection.createStatement()) {
        statement.execute("LISTEN " + CHANNEL);
        if (failing) {
          log.info("Listening for done marks again");
          failing = false;
        }
        backoff = 100;
        tellAll(null); // anything may have been marked while we were not listening
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
          if (notifications != null) {
            for (PGNotification notification : notifications) {
              tellAll(notification.getParameter());
            }
          }
        }
      } catch (SQLException e) {
        if (closed) {
          return;
        }
        if (!failing) {
          log.warn(
              "Lost the connection that hears done marks ({}); Watch streams fall back to polling until it "
                  + "is back",
              e.getMessage());
          failing = true;
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties properties = new Properties();
    if (settings.user() != null) {
      properties.setProperty("user", settings.user());
    }
    if (settings.password() != null) {
      properties.setProperty("password", settings.password());
    }
    properties.setProperty("ApplicationName", "accord-server-notifier");
    properties.setProperty("connectTimeout", "5");
    properties.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(settings.jdbcUrl(), properties);
  }

  private void tellAll(String namespace) {
    for (Consumer<String> listener : listeners) {
      listener.accept(namespace);
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
