package dev.accord.it.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.ByteString;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.DoneRequest;
import dev.accord.api.v1.Status;
import dev.accord.api.v1.V1Grpc;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.memory.MemoryBackend;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * accordctl as a person or a script runs it: {@code java -jar ctl/target/accordctl.jar} as a
 * process, configured through ACCORD_TARGET, against a real server (memory backend) on a real
 * socket. What only a process shows: the shaded jar's manifest and service files, the exit codes a
 * shell sees, standard input that is not a terminal, output that is only the table or the JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AccordCtlProcessIT {
  /** Set by failsafe (it/pom.xml) to the jar ctl's package built. */
  private static final String JAR_PROPERTY = "accordctl.jar";

  private static final Duration RUN = Duration.ofSeconds(60);
  private static final AtomicInteger namespaces = new AtomicInteger();

  private Path jar;
  private AccordServer server;
  private ManagedChannel channel;
  private final List<CtlProcess> processes = new ArrayList<>();

  @TempDir Path workDir;

  @BeforeAll
  void start() throws Exception {
    String property = System.getProperty(JAR_PROPERTY);
    assertThat(property)
        .as(
            "system property %s is unset: run this test through failsafe (mvn verify)",
            JAR_PROPERTY)
        .isNotBlank();
    jar = Path.of(property);
    assertThat(jar).as("the accordctl jar: build it with mvn -pl ctl -am package").isRegularFile();
    server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0)),
            new MemoryBackend(),
            8,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  @AfterEach
  void killLeftovers() {
    processes.forEach(CtlProcess::kill);
    processes.clear();
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    server.shutdown();
  }

  @Test
  void readsANamespaceExactlyAsTablesAndJson() throws Exception {
    String ns = namespace("daily-1");
    grantAndFinish(ns, "a");
    grantAndFinish(ns, "b");
    assertThat(acquire(ns, "c", "worker-1").getStatus()).isEqualTo(Status.OK);
    grantAndFinish(ns + "0", "x"); // shares the prefix: must not be counted nor listed

    CtlProcess.Result namespacesTable = run("namespaces", "--prefix", ns);
    assertThat(namespacesTable.exitCode()).as(namespacesTable.describe()).isZero();
    assertThat(namespacesTable.out().lines().toList())
        .as(namespacesTable.describe())
        .hasSize(3)
        .first()
        .asString()
        .matches("NAMESPACE +DONE +HELD +PENDING +OLDEST PENDING +LATEST DONE");
    assertThat(namespacesTable.out().lines().skip(1).toList())
        .anySatisfy(
            line ->
                assertThat(line)
                    .matches(ns + " +2 +1 +0 +- +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));

    CtlProcess.Result stats = run("stats", ns, "-o", "json");
    assertThat(stats.exitCode()).as(stats.describe()).isZero();
    JsonObject counts = JsonParser.parseString(stats.out()).getAsJsonObject();
    assertThat(counts.get("namespace").getAsString()).isEqualTo(ns);
    assertThat(counts.get("done").getAsLong()).isEqualTo(2);
    assertThat(counts.get("held").getAsLong()).isEqualTo(1);
    assertThat(counts.get("pending").getAsLong()).isZero();
    assertThat(counts.get("oldest_pending").isJsonNull()).isTrue();

    CtlProcess.Result done = run("list", ns, "--status", "done", "-o", "json");
    assertThat(done.exitCode()).as(done.describe()).isZero();
    assertThat(
            names(JsonParser.parseString(done.out()).getAsJsonObject().getAsJsonArray("resources")))
        .containsExactlyInAnyOrder("a", "b");

    CtlProcess.Result held = run("list", ns, "--status", "held");
    assertThat(held.exitCode()).as(held.describe()).isZero();
    assertThat(held.out().lines().skip(1).toList())
        .as(held.describe())
        .singleElement()
        .asString()
        .matches("c +held +1 +- +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +-");

    CtlProcess.Result get = run("get", ns, "c");
    assertThat(get.exitCode()).as(get.describe()).isZero();
    assertThat(get.out()).contains("status         held\n").contains("fencing token  1\n");

    CtlProcess.Result missing = run("get", ns, "nope");
    assertThat(missing.exitCode()).as(missing.describe()).isEqualTo(1);
    assertThat(missing.err()).startsWith("accordctl: NOT_FOUND: ");
  }

  @Test
  void releaseRefusesWithoutYesOffATerminalThenFreesTheLeaseForAGreaterToken() throws Exception {
    String ns = namespace("release");
    assertThat(acquire(ns, "stuck", "crashed-worker").getHandle().getNumAcquired()).isEqualTo(1);

    CtlProcess.Result refused = run("release", ns, "stuck");
    assertThat(refused.exitCode()).as(refused.describe()).isEqualTo(1);
    assertThat(refused.err()).startsWith("accordctl: refusing without --yes");
    assertThat(acquire(ns, "stuck", "worker-2").getStatus()).isEqualTo(Status.HELD);

    CtlProcess.Result released = run("release", ns, "stuck", "--yes", "-o", "json");
    assertThat(released.exitCode()).as(released.describe()).isZero();
    assertThat(JsonParser.parseString(released.out()))
        .isEqualTo(
            JsonParser.parseString(
                "{\"namespace\":\"" + ns + "\",\"released\":[\"stuck\"],\"not_released\":[]}"));
    AcquireResponse regranted = acquire(ns, "stuck", "worker-2");
    assertThat(regranted.getStatus()).isEqualTo(Status.OK);
    assertThat(regranted.getHandle().getNumAcquired()).isEqualTo(2);
  }

  @Test
  void resetAndDeleteMakeNamesGrantableAgainWithTokensThatNeverGoBack() throws Exception {
    String ns = namespace("rerun");
    grantAndFinish(ns, "a");
    grantAndFinish(ns, "b");

    CtlProcess.Result reset = run("reset", ns, "a", "--yes");
    assertThat(reset.exitCode()).as(reset.describe()).isZero();
    assertThat(reset.out()).isEqualTo("Reset 1 done resource of " + ns + ": pending again.\n");
    AcquireResponse rerun = acquire(ns, "a", "worker-2");
    assertThat(rerun.getStatus()).isEqualTo(Status.OK);
    assertThat(rerun.getHandle().getNumAcquired()).isGreaterThan(1);

    CtlProcess.Result deleted = run("delete", ns, "--done-before", "0s", "--yes", "-o", "json");
    assertThat(deleted.exitCode()).as(deleted.describe()).isZero();
    assertThat(JsonParser.parseString(deleted.out()).getAsJsonObject().get("deleted").getAsLong())
        .isEqualTo(1);
    AcquireResponse afterDelete = acquire(ns, "b", "worker-2");
    assertThat(afterDelete.getStatus()).isEqualTo(Status.OK);
    assertThat(afterDelete.getHandle().getNumAcquired()).isGreaterThan(1);

    CtlProcess.Result all = run("reset", ns, "--all", "--yes");
    assertThat(all.exitCode()).as(all.describe()).isZero();
  }

  @Test
  void watchStreamsNamesAsTheyAreDoneAndResetUntilStopped() throws Exception {
    String ns = namespace("watch");
    CtlProcess watch = CtlProcess.start(jar, workDir, env(), "watch", ns, "-o", "json");
    processes.add(watch);

    // The watch starts "now": finish names until one shows, which proves the stream is open.
    AtomicInteger next = new AtomicInteger();
    await("a name done after the watch started shows on its output")
        .atMost(RUN)
        .failFast(() -> assertThat(watch.isAlive()).as(watch.stderr()).isTrue())
        .until(
            () -> {
              grantAndFinish(ns, "w-" + next.incrementAndGet());
              return watch.stdout().contains("\"w-");
            });
    CtlProcess.Result reset = run("reset", ns, "w-" + next.get(), "--yes");
    assertThat(reset.exitCode()).as(reset.describe()).isZero();
    await("the reset name shows as removed")
        .atMost(RUN)
        .until(() -> watch.stdout().contains("\"removed\":[\"w-" + next.get() + "\"]"));

    CtlProcess.Result stopped = watch.stop(RUN);
    assertThat(stopped.out().lines().map(JsonParser::parseString))
        .as(stopped.describe())
        .allSatisfy(line -> assertThat(line.getAsJsonObject().keySet()).contains("time", "done"));
  }

  @Test
  void usageErrorsExitTwoAndAnUnreachableServerExitsOne() throws Exception {
    CtlProcess.Result usage = run("list");
    assertThat(usage.exitCode()).as(usage.describe()).isEqualTo(2);
    assertThat(usage.err()).contains("Missing required parameter: 'NAMESPACE'");

    String dead = "127.0.0.1:" + freePort();
    CtlProcess.Result unreachable = run("stats", "ns", "--target", dead);
    assertThat(unreachable.exitCode()).as(unreachable.describe()).isEqualTo(1);
    assertThat(unreachable.err()).startsWith("accordctl: UNAVAILABLE: cannot reach " + dead);
    assertThat(unreachable.err()).doesNotContain("\tat ");
    assertThat(unreachable.out()).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------

  private CtlProcess.Result run(String... args) throws IOException, InterruptedException {
    CtlProcess process = CtlProcess.start(jar, workDir, env(), args);
    processes.add(process);
    return process.awaitExit(RUN);
  }

  private Map<String, String> env() {
    return Map.of("ACCORD_TARGET", "127.0.0.1:" + server.port());
  }

  private static String namespace(String base) {
    return base + "-" + namespaces.incrementAndGet();
  }

  private V1Grpc.V1BlockingStub v1() {
    return V1Grpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private AcquireResponse acquire(String ns, String name, String owner) {
    return v1().acquire(
            AcquireRequest.newBuilder()
                .setOwner(owner)
                .setNamespace(ns)
                .setName(name)
                .setTtl(3600)
                .build());
  }

  private void grantAndFinish(String ns, String name) {
    AcquireResponse granted = acquire(ns, name, "worker-1");
    assertThat(granted.getStatus()).as("acquire %s/%s", ns, name).isEqualTo(Status.OK);
    ByteString id = granted.getHandle().getId();
    v1().done(DoneRequest.newBuilder().setOwner("worker-1").setHandleId(id).build());
  }

  private static List<String> names(JsonArray resources) {
    return StreamSupport.stream(resources.spliterator(), false)
        .map(JsonElement::getAsJsonObject)
        .map(resource -> resource.get("name").getAsString())
        .toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
