package dev.accord.bench;

import dev.accord.client.AccordClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A new {@link AccordClient} warming its done-cache from a running server, timed: in this JVM, or
 * in a fresh one (as a worker starting up) that runs {@code CacheWarmTime --client}.
 */
final class ClientWarm {

  private static final Duration WARM_TIMEOUT = Duration.ofMinutes(5);

  private ClientWarm() {}

  /** {names known, ms from build() to warm}. */
  static long[] inThisJvm(String target, String namespace) throws InterruptedException {
    long start = System.nanoTime();
    try (AccordClient client =
        AccordClient.builder().target(target).namespace(namespace).owner("warm-timer").build()) {
      if (!client.awaitCacheWarm(WARM_TIMEOUT)) {
        throw new IllegalStateException("cache not warm after " + WARM_TIMEOUT);
      }
      long millis = CacheWarmTime.millisSince(start);
      return new long[] {client.knownDoneCount(), millis};
    }
  }

  /**
   * Runs {@link #reportFromChild} in a new JVM ({@code CacheWarmTime --client target}): {names
   * known, ms build to warm, ms start to warm}.
   */
  static long[] inNewJvm(String target) throws IOException, InterruptedException {
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
    long processMillis = CacheWarmTime.millisSince(start);
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
  static void reportFromChild(String target, String namespace) throws InterruptedException {
    long[] warm = inThisJvm(target, namespace);
    long sinceJvmStart =
        System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    System.out.println("warm " + warm[0] + " " + warm[1] + " " + sinceJvmStart);
  }
}
