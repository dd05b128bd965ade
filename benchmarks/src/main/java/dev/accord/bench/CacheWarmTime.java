package dev.accord.bench;

import dev.accord.client.AccordClient;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.postgres.EmbeddedPostgres;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.backend.postgres.PostgresSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * How long a client takes to know 1,000,000 done names (or the count given) from a real server over
 * a real socket, and where that time goes.
 *
 * <p>Starts embedded PostgreSQL in a temporary directory, inserts the done rows in one SQL
 * statement (shaped as acquire then done leave them, {@code done_xid} included), starts an {@link
 * AccordServer} on a loopback port, and then measures, each {@code rounds} times:
 *
 * <ol>
 *   <li>{@code db List}: the server's backend read alone, {@link PostgresBackend#list} page after
 *       page as the server's List does (256 rows a page), and with pages 16 times larger; no gRPC;
 *   <li>{@code db done stream}: the backend's done-mark stream ({@link PostgresBackend#donesAfter},
 *       names only, 1,000 a page as Watch reads it, and 10,000) from its very start; no gRPC;
 *   <li>{@code List, blocking stub}: a raw gRPC stub streaming the List a client's cache warms
 *       from, counting names, no cache; the blocking iterator asks for one message at a time;
 *   <li>{@code List, async stub}: the same through an asynchronous stub that asks for 1,024
 *       messages ahead, as the client's fallback feed does against servers without {@code
 *       from_start};
 *   <li>{@code Watch from_start}: a raw Watch with {@code from_start}, which streams every done
 *       name (3,000 a message), counting names, no cache: the wire part of the client's warm;
 *   <li>{@code client, new JVM}: a fresh JVM (as a worker starting up) builds an {@link
 *       AccordClient} and waits until its done-cache holds every name ({@link
 *       AccordClient#awaitCacheWarm}, then {@link AccordClient#knownDoneCount} checked); timed from
 *       {@code build()} inside that JVM, and from process start;
 *   <li>{@code client, warm JVM}: the same in this JVM, whose JIT has seen it all before.
 * </ol>
 *
 * Server, database and client share this machine's cores, as they would on one host.
 *
 * <pre>
 * java -cp benchmarks/target/accord-benchmarks.jar dev.accord.bench.CacheWarmTime [names] [rounds]
 * </pre>
 *
 * <p>This class sets up and runs the rounds, printing a line per round; {@link DoneRows}, {@link
 * BackendReads}, {@link WireReads} and {@link ClientWarm} are what it times.
 */
public final class CacheWarmTime {

  private static final String NAMESPACE = "warm";

  /** AccordV1Service.LIST_PAGE_SIZE and WatchStream.PAGE_SIZE, package-private in the server. */
  private static final int SERVER_PAGE = 256;

  private static final int WATCH_PAGE = 1_000;

  private CacheWarmTime() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--client")) {
      ClientWarm.reportFromChild(args[1], NAMESPACE);
      return;
    }
    int names = args.length > 0 ? parseCount(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    System.out.printf(
        "# Java %s, %d CPUs, %,d done names in namespace \"%s\"%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        names,
        NAMESPACE);

    Path dataDir = Files.createTempDirectory("accord-warm-");
    try {
      run(dataDir, names, rounds);
    } finally {
      deleteRecursively(dataDir);
    }
  }

  private static void run(Path dataDir, int names, int rounds) throws Exception {
    EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir, 0);
    int poolSize = PostgresSettings.DEFAULT_POOL_SIZE;
    PostgresBackend backend =
        PostgresBackend.open(postgres.settings(poolSize), "embedded PostgreSQL", postgres);
    AccordServer server = null;
    try {
      backend.migrate();
      long start = System.nanoTime();
      DoneRows.insert(backend.dataSource(), NAMESPACE, names);
      System.out.printf("insert + vacuum: %,d ms%n", millisSince(start));

      // As AccordServerMain sizes it: two call threads per pooled connection.
      server =
          AccordServer.start(
              AccordServer.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
              backend,
              2 * poolSize,
              Duration.ofSeconds(5),
              Duration.ofSeconds(2));
      String target = "127.0.0.1:" + server.port();

      for (int pageSize : new int[] {SERVER_PAGE, 16 * SERVER_PAGE}) {
        for (int r = 1; r <= rounds; r++) {
          start = System.nanoTime();
          int rows = BackendReads.listPages(backend, NAMESPACE, pageSize);
          report("db List, " + pageSize + "/page", r, rows, names, millisSince(start), "");
        }
      }
      for (int pageSize : new int[] {WATCH_PAGE, 10 * WATCH_PAGE}) {
        for (int r = 1; r <= rounds; r++) {
          start = System.nanoTime();
          int rows = BackendReads.doneStream(backend, NAMESPACE, pageSize);
          report("db done stream, " + pageSize + "/page", r, rows, names, millisSince(start), "");
        }
      }
      for (int r = 1; r <= rounds; r++) {
        start = System.nanoTime();
        int listed = WireReads.listBlocking(target, NAMESPACE);
        report("List, blocking stub", r, listed, names, millisSince(start), "");
      }
      for (int r = 1; r <= rounds; r++) {
        start = System.nanoTime();
        int listed = WireReads.listAsync(target, NAMESPACE);
        report("List, async stub", r, listed, names, millisSince(start), "");
      }
      for (int r = 1; r <= rounds; r++) {
        start = System.nanoTime();
        int watched = WireReads.watchFromStart(target, NAMESPACE, names);
        report("Watch from_start (names)", r, watched, names, millisSince(start), "");
      }
      for (int r = 1; r <= rounds; r++) {
        long[] child = ClientWarm.inNewJvm(target);
        report(
            "client, new JVM",
            r,
            (int) child[0],
            names,
            child[1],
            String.format(" (process start to warm: %,d ms)", child[2]));
      }
      for (int r = 1; r <= rounds; r++) {
        long[] warm = ClientWarm.inThisJvm(target, NAMESPACE);
        report("client, warm JVM", r, (int) warm[0], names, warm[1], "");
      }
    } finally {
      if (server != null) {
        server.shutdown(); // closes the backend, which stops PostgreSQL
      } else {
        backend.close();
      }
    }
  }

  private static void report(String what, int round, int got, int names, long millis, String more) {
    if (got != names) {
      throw new IllegalStateException(what + ": got " + got + " names, expected " + names);
    }
    System.out.printf(
        "%-27s round %d: %,7d ms  %,10.0f names/s%s%n",
        what, round, millis, got * 1000.0 / Math.max(1, millis), more);
  }

  /** Whole milliseconds since {@code startNanos}, a {@link System#nanoTime} reading. */
  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static int parseCount(String s) {
    return Integer.parseInt(s.replace("_", ""));
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.forEach(paths::add);
    }
    paths.sort(Comparator.reverseOrder());
    for (Path path : paths) {
      Files.deleteIfExists(path);
    }
  }
}
