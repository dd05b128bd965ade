package dev.accord.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.client.AccordClient;
import dev.accord.client.AcquireResult;
import dev.accord.client.Lease;
import dev.accord.client.WorkLoop;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.memory.MemoryBackend;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency of the client: a worker that passes no registry runs without
 * it. The worker here runs in a JVM of its own, on the test's classpath minus every Micrometer jar.
 */
class ClientWithoutMicrometerTest {

  @Test
  void aWorkerWithoutMicrometerOnItsClasspathAcquiresRunsAWorkLoopAndMarksDone() throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> entries = Arrays.asList(classpath.split(File.pathSeparator));
    List<String> withoutMicrometer =
        entries.stream()
            .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("micrometer-"))
            .toList();
    assertThat(withoutMicrometer.size()).isLessThan(entries.size());

    AccordServer server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0)),
            new MemoryBackend(),
            8,
            Duration.ofSeconds(2),
            Duration.ofSeconds(1));
    // A JVM of its own, not a class loader in this one: a closed loader's copies of Netty and
    // logback
    // would live on in this JVM's threads and fail other tests' logging.
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    try {
      Process process =
          new ProcessBuilder(
                  java.toString(),
                  "-cp",
                  String.join(File.pathSeparator, withoutMicrometer),
                  Worker.class.getName(),
                  "127.0.0.1:" + server.port())
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();

      assertThat(output)
          .contains("MeterRegistry: not on the classpath")
          .contains("ACQUIRED, DONE, done 2, skipped 1");
      assertThat(process.exitValue()).as(output).isZero();
    } finally {
      server.shutdown();
    }
  }

  /** A worker as it would be written: loaded in the class loader without Micrometer. */
  public static final class Worker {
    private Worker() {}

    public static void main(String[] args) throws Exception {
      try {
        Class.forName("io.micrometer.core.instrument.MeterRegistry");
        System.out.println("MeterRegistry: found");
      } catch (ClassNotFoundException e) {
        System.out.println("MeterRegistry: not on the classpath");
      }
      System.out.println(run(args[0]));
    }

    public static String run(String target) throws Exception {
      try (AccordClient client =
          AccordClient.builder().target(target).owner("worker").namespace("plain").build()) {
        if (!client.awaitCacheWarm(Duration.ofSeconds(10))) {
          return "the done-cache did not warm";
        }
        Lease lease = client.acquire("file-1").lease();
        lease.done();
        AcquireResult again = client.acquire("file-1");
        WorkLoop.Progress progress =
            client.workLoop(2, l -> {}).run(List.of("file-1", "file-2", "file-3"));
        return "ACQUIRED, "
            + again.status()
            + ", done "
            + progress.done()
            + ", skipped "
            + progress.skipped();
      }
    }
  }
}
