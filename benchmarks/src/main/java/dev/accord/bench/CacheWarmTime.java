package dev.accord.bench;

import dev.accord.api.v1.Handle;
import dev.accord.api.v1.ListRequest;
import dev.accord.api.v1.V1Grpc;
import dev.accord.api.v1.WatchRequest;
import dev.accord.api.v1.WatchResponse;
import dev.accord.client.AccordClient;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;
import dev.accord.server.backend.ListQuery;
import dev.accord.server.backend.Resource;
import dev.accord.server.backend.postgres.EmbeddedPostgres;
import dev.accord.server.backend.postgres.PostgresBackend;
import dev.accord.server.backend.postgres.PostgresSettings;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;

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
 */
public final class CacheWarmTime {

  private static final String NAMESPACE = "warm";

  /** AccordV1Service.LIST_PAGE_SIZE and WatchStream.PAGE_SIZE, package-private in the server. */
  private static final int SERVER_PAGE = 256;

  private static final int WATCH_PAGE = 1_000;

  /** Messages the client's done feed asks for ahead (DoneFeed.LIST_WINDOW). */
  private static final int LIST_WINDOW = 1_024;

  private static final Duration WARM_TIMEOUT = Duration.ofMinutes(5);

  private CacheWarmTime() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--client")) {
      clientProcess(args[1]);
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
      insertDone(backend.dataSource(), names);
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
          int rows = dbPages(backend, pageSize);
          report("db List, " + pageSize + "/page", r, rows, names, millisSince(start), "");
        }
      }
      for (int pageSize : new int[] {WATCH_PAGE, 10 * WATCH_PAGE}) {
        for (int r = 1; r <= rounds; r++) {
          start = System.nanoTime();
          int rows = dbDoneStream(backend, pageSize);
          report("db done stream, " + pageSize + "/page", r, rows, names, millisSince(start), "");
        }
      }
      for (int r = 1; r <= rounds; r++) {
        start = System.nanoTime();
        int listed = listBlocking(target);
        report("List, blocking stub", r, listed, names, millisSince(start), "");
      }
      for (int r = 1; r <= rounds; r++) {
        start = System.nanoTime();
        int listed = listAsync(target);
        report("List, async stub", r, listed, names, millisSince(start), "");
      }
      for (int r = 1; r <= rounds; r++) {
        start = System.nanoTime();
        int watched = watchFromStart(target, names);
        report("Watch from_start (names)", r, watched, names, millisSince(start), "");
      }
      for (int r = 1; r <= rounds; r++) {
        long[] child = clientInNewJvm(target);
        report(
            "client, new JVM",
            r,
            (int) child[0],
            names,
            child[1],
            String.format(" (process start to warm: %,d ms)", child[2]));
      }
      for (int r = 1; r <= rounds; r++) {
        long[] warm = clientWarm(target);
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

  /**
   * Rows exactly as acquire and then done leave them: one grant (num_acquired 1, a random nonce),
   * the lease's expiry, done_at and done_xid (the marking transaction; here one for all), empty
   * metadata. Names have the shape every benchmark uses ({@link Names#present}).
   */
  private static void insertDone(DataSource db, int names) throws SQLException {
    try (Connection connection = db.getConnection()) {
      try (PreparedStatement insert =
          connection.prepareStatement(
              """
              INSERT INTO accord_resource
                (namespace, name, owner, num_acquired, grant_nonce, expires_at, done_at, done_xid,
                 metadata)
              SELECT ?, 'team-' || (i % 50) || '/job-' || i, 'warm-worker-' || (i % 16), 1,
                     floor(random() * 4294967296 - 2147483648)::int,
                     now() + interval '10 minutes', now(), pg_current_xact_id(), '{}'::jsonb
                FROM generate_series(0, ? - 1) AS i""")) {
        insert.setString(1, NAMESPACE);
        insert.setInt(2, names);
        int inserted = insert.executeUpdate();
        if (inserted != names) {
          throw new IllegalStateException("inserted " + inserted + " rows, wanted " + names);
        }
      }
      // What autovacuum would have done by the time a real table held this many done rows: hint
      // bits set, statistics for the planner.
      try (Statement vacuum = connection.createStatement()) {
        vacuum.execute("VACUUM ANALYZE accord_resource");
      }
    }
  }

  /** The backend's pages as the server's List reads them, without gRPC. */
  private static int dbPages(PostgresBackend backend, int pageSize) {
    ListQuery query = new ListQuery(NAMESPACE, ListQuery.StateFilter.DONE, Map.of(), 0);
    int rows = 0;
    Resource last = null;
    while (true) {
      List<Resource> page = backend.list(query, last, pageSize);
      rows += page.size();
      if (page.size() < pageSize) {
        return rows;
      }
      last = page.get(page.size() - 1);
    }
  }

  /**
   * The backend's done-mark stream from its start, a page of names at a time, as Watch reads it.
   */
  private static int dbDoneStream(PostgresBackend backend, int pageSize) {
    DoneCursor cursor = backend.firstDoneCursor();
    int rows = 0;
    while (true) {
      DonePage page = backend.donesAfter(NAMESPACE, cursor, pageSize);
      rows += page.names().size();
      cursor = page.next();
      if (page.names().size() < pageSize) {
        return rows;
      }
    }
  }

  private static ListRequest listDone() {
    return ListRequest.newBuilder()
        .setFilter(
            ListRequest.Filter.newBuilder()
                .setPrefix(NAMESPACE)
                .setStatus(ListRequest.Filter.Status.DONE))
        .build();
  }

  /** The List a client's cache warms from, counted and dropped, on a connection of its own. */
  private static int listBlocking(String target) throws InterruptedException {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      Iterator<Handle> done = V1Grpc.newBlockingStub(channel).list(listDone());
      int count = 0;
      while (done.hasNext()) {
        if (done.next().getNamespace().equals(NAMESPACE)) {
          count++;
        }
      }
      return count;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** The same List, asking for 1,024 messages ahead, as the client's done feed does. */
  private static int listAsync(String target) throws InterruptedException, ExecutionException {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      CompletableFuture<Integer> done = new CompletableFuture<>();
      V1Grpc.newStub(channel)
          .list(
              listDone(),
              new ClientResponseObserver<ListRequest, Handle>() {
                private ClientCallStreamObserver<ListRequest> call;
                private int count;
                private int sinceRequest;

                @Override
                public void beforeStart(ClientCallStreamObserver<ListRequest> call) {
                  this.call = call;
                  call.disableAutoRequestWithInitial(LIST_WINDOW);
                }

                @Override
                public void onNext(Handle handle) {
                  if (handle.getNamespace().equals(NAMESPACE)) {
                    count++;
                  }
                  if (++sinceRequest == LIST_WINDOW / 2) {
                    sinceRequest = 0;
                    call.request(LIST_WINDOW / 2);
                  }
                }

                @Override
                public void onError(Throwable error) {
                  done.completeExceptionally(error);
                }

                @Override
                public void onCompleted() {
                  done.complete(count);
                }
              });
      return done.get();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** Watch from_start until {@code names} names have come; then cancelled. */
  private static int watchFromStart(String target, int names)
      throws InterruptedException, ExecutionException {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    try {
      CompletableFuture<Integer> done = new CompletableFuture<>();
      V1Grpc.newStub(channel)
          .watch(
              WatchRequest.newBuilder().setNamespace(NAMESPACE).setFromStart(true).build(),
              new ClientResponseObserver<WatchRequest, WatchResponse>() {
                private ClientCallStreamObserver<WatchRequest> call;
                private int count;

                @Override
                public void beforeStart(ClientCallStreamObserver<WatchRequest> call) {
                  this.call = call;
                }

                @Override
                public void onNext(WatchResponse response) {
                  count += response.getNamesCount();
                  if (count >= names) {
                    done.complete(count);
                    call.cancel("got them all", null);
                  }
                }

                @Override
                public void onError(Throwable error) {
                  done.completeExceptionally(error);
                }

                @Override
                public void onCompleted() {
                  done.complete(count);
                }
              });
      return done.get();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** {names known, ms from build() to warm}. */
  private static long[] clientWarm(String target) throws InterruptedException {
    long start = System.nanoTime();
    try (AccordClient client =
        AccordClient.builder().target(target).namespace(NAMESPACE).owner("warm-timer").build()) {
      if (!client.awaitCacheWarm(WARM_TIMEOUT)) {
        throw new IllegalStateException("cache not warm after " + WARM_TIMEOUT);
      }
      long millis = millisSince(start);
      return new long[] {client.knownDoneCount(), millis};
    }
  }

  /**
   * Runs {@link #clientProcess} in a new JVM: {names known, ms build to warm, ms start to warm}.
   */
  private static long[] clientInNewJvm(String target) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CacheWarmTime.class.getName(),
                "--client",
                target)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String line;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      line = out.readLine();
    }
    if (process.waitFor() != 0 || line == null || !line.startsWith("warm ")) {
      throw new IllegalStateException("client process failed: " + line);
    }
    long processMillis = millisSince(start);
    String[] parts = line.split(" ");
    long known = Long.parseLong(parts[1]);
    long buildToWarm = Long.parseLong(parts[2]);
    long startToWarm = Long.parseLong(parts[3]);
    if (startToWarm > processMillis) {
      startToWarm = processMillis;
    }
    return new long[] {known, buildToWarm, startToWarm};
  }

  /** In the child JVM: one client, timed from build() to warm; prints "warm known ms jvmMs". */
  private static void clientProcess(String target) throws InterruptedException {
    long[] warm = clientWarm(target);
    long sinceJvmStart =
        System.currentTimeMillis()
            - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    System.out.println("warm " + warm[0] + " " + warm[1] + " " + sinceJvmStart);
  }

  private static void report(String what, int round, int got, int names, long millis, String more) {
    if (got != names) {
      throw new IllegalStateException(what + ": got " + got + " names, expected " + names);
    }
    System.out.printf(
        "%-27s round %d: %,7d ms  %,10.0f names/s%s%n",
        what, round, millis, got * 1000.0 / Math.max(1, millis), more);
  }

  private static long millisSince(long startNanos) {
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
