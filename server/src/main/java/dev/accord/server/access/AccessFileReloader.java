package dev.accord.server.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an {@link AccessPolicy} equal to its access file: looks at the file's content every {@code
 * interval} and, when it changed, puts the new rules in force. A file that became wrong (or
 * unreadable, or vanished) leaves the last good rules in force and is reported once per change as
 * an ERROR.
 *
 * <p>The content is compared, not the modification time: a Kubernetes ConfigMap or Secret volume
 * swaps a symbolic link, which a time or a file watch can miss.
 */
public final class AccessFileReloader implements AutoCloseable {
  /** How often the access file is looked at by default. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(AccessFileReloader.class);

  private final Path file;
  private final AccessPolicy policy;
  private final ScheduledExecutorService timer;

  /** The content last looked at, good or bad; null when the file was missing. */
  private byte[] lastSeen;

  private AccessFileReloader(Path file, AccessPolicy policy, byte[] loaded) {
    this.file = file;
    this.policy = policy;
    this.lastSeen = loaded;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "accord-access-file");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Reads {@code file} into a policy, then follows its changes every {@code interval}.
   *
   * @throws IllegalArgumentException naming the file, line and field when it is wrong now
   */
  public static AccessFileReloader start(Path file, Duration interval) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "ACCORD_ACCESS_FILE " + file + ": cannot read it: " + e.getMessage(), e);
    }
    AccessPolicy policy = AccessPolicy.of(AccessFile.parse(content, file.toString()));
    AccessFileReloader reloader = new AccessFileReloader(file, policy, content);
    long millis = interval.toMillis();
    reloader.timer.scheduleWithFixedDelay(
        reloader::checkForChange, millis, millis, TimeUnit.MILLISECONDS);
    log.info("Access rules from {}: {} rule(s)", file, policy.ruleCount());
    return reloader;
  }

  /** The policy this keeps up to date. */
  public AccessPolicy policy() {
    return policy;
  }

  private void checkForChange() {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      if (lastSeen != null) {
        log.error("ACCORD_ACCESS_FILE {} is gone: keeping the last good access rules", file);
      }
      lastSeen = null;
      return;
    } catch (IOException | RuntimeException e) {
      log.error(
          "ACCORD_ACCESS_FILE {}: cannot read it ({}): keeping the last good access rules",
          file,
          e.toString());
      return;
    }
    if (Arrays.equals(content, lastSeen)) {
      return;
    }
    lastSeen = content;
    try {
      policy.replace(AccessFile.parse(content, file.toString()));
      log.info("Access rules reloaded from {}: {} rule(s)", file, policy.ruleCount());
    } catch (IllegalArgumentException e) {
      log.error("{}: keeping the last good access rules", e.getMessage());
    }
  }

  /** Stops following the file; the policy keeps the rules last in force. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
