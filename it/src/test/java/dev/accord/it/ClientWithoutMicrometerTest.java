package dev.accord.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accord.client.AccordClient;
import dev.accord.client.AcquireResult;
import dev.accord.client.Lease;
import dev.accord.client.WorkLoop;
import dev.accord.server.AccordServer;
import dev.accord.server.backend.memory.MemoryBackend;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency of the client: a worker that passes no registry runs without
 * it. The worker here is loaded by a class loader over the test's classpath minus every Micrometer
 * jar, with no parent to find them through.
 */
class ClientWithoutMicrometerTest {

  @Test
  void aWorkerWithoutMicrometerOnItsClasspathAcquiresRunsAWorkLoopAndMarksDone() throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> entries = Arrays.asList(classpath.split(File.pathSeparator));
    URL[] withoutMicrometer =
        entries.stream()
            .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("micrometer-"))
            .map(ClientWithoutMicrometerTest::url)
            .toArray(URL[]::new);
    assertThat(withoutMicrometer.length).isLessThan(entries.size());

    AccordServer server =
        AccordServer.start(
            AccordServer.tcp(new InetSocketAddress("127.0.0.1", 0)),
            new MemoryBackend(),
            8,
            Duration.ofSeconds(2),
            Duration.ofSeconds(1));
    try (URLClassLoader loader =
        new URLClassLoader(withoutMicrometer, ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> worker = loader.loadClass(Worker.class.getName());
      assertThat(worker.getClassLoader()).isSameAs(loader);

      Object outcome =
          worker.getMethod("run", String.class).invoke(null, "127.0.0.1:" + server.port());

      assertThat(outcome).isEqualTo("ACQUIRED, DONE, done 2, skipped 1");
    } finally {
      server.shutdown();
    }
  }

  private static URL url(String entry) {
    try {
      return Path.of(entry).toUri().toURL();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException("classpath entry " + entry, e);
    }
  }

  /** A worker as it would be written: loaded in the class loader without Micrometer. */
  public static final class Worker {
    private Worker() {}

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
