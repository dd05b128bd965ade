package dev.accord.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The long run, by hand: {@code ./accord chaos --minutes 30 [--seed N] [--workers 8] [--names 5]
 * [--server-jar server/target/accord-server.jar] [--work-dir DIR]}. Prints the seed first, progress
 * while it runs, then the summary and every violation; exits 0 when every guarantee held, 1
 * otherwise, 2 on a bad argument.
 */
public final class ChaosMain {
  private ChaosMain() {}

  public static void main(String[] args) throws Exception {
    ChaosRun.Settings settings;
    try {
      settings = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("chaos: " + e.getMessage());
      System.err.println(
          "usage: chaos [--minutes M | --seconds S] [--seed N] [--workers W] [--names K]"
              + " [--server-jar JAR] [--work-dir DIR]");
      System.exit(2);
      return;
    }
    ChaosRun.Result result =
        ChaosRun.run(settings, line -> System.out.println(Instant.now() + " " + line));
    System.out.println(result.report());
    System.exit(result.violations().isEmpty() && result.workerFailures().isEmpty() ? 0 : 1);
  }

  static ChaosRun.Settings parse(String[] args) throws java.io.IOException {
    Duration length = Duration.ofMinutes(30);
    long seed = ThreadLocalRandom.current().nextLong();
    int workers = 8;
    int names = 5;
    Path serverJar = Path.of("server/target/accord-server.jar");
    Path workDir = null;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--minutes" -> length = Duration.ofSeconds(Math.round(number(flag, value) * 60));
        case "--seconds" -> length = Duration.ofSeconds(Math.round(number(flag, value)));
        case "--seed" -> seed = (long) number(flag, value);
        case "--workers" -> workers = (int) number(flag, value);
        case "--names" -> names = (int) number(flag, value);
        case "--server-jar" -> serverJar = Path.of(value);
        case "--work-dir" -> workDir = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (workDir == null) {
      workDir = Files.createTempDirectory("accord-chaos-");
    }
    return new ChaosRun.Settings(seed, length, workers, names, serverJar, workDir);
  }

  private static double number(String flag, String value) {
    try {
      return flag.equals("--seed") ? Long.parseLong(value) : Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, got " + value);
    }
  }
}
