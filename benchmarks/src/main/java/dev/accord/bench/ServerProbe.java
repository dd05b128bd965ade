package dev.accord.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * Reads a running server from outside: its Prometheus text ({@code /metrics}), its resident memory
 * (the {@code VmRSS} of a process, or {@code docker stats} of a container), the TCP connections
 * established to its port on this host ({@code /proc/net/tcp}, {@code tcp6}), and the machine's
 * load average. Each read that cannot be made returns an empty value, never a made-up one.
 */
public final class ServerProbe {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ServerProbe() {}

  /** The body of {@code metricsUrl}, e.g. {@code http://127.0.0.1:9090/metrics}. */
  public static String scrape(URI metricsUrl) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(metricsUrl).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(metricsUrl + " answered HTTP " + response.statusCode());
    }
    return response.body();
  }

  /**
   * The sum of every sample of {@code name} in Prometheus text whose labels contain all of {@code
   * labels} (each {@code key="value"}); empty when there is no such sample.
   */
  public static OptionalDouble sum(String text, String name, String... labels) {
    double total = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (!line.startsWith(name) || line.startsWith("#")) {
        continue;
      }
      int end = name.length();
      if (line.length() == end || (line.charAt(end) != '{' && line.charAt(end) != ' ')) {
        continue;
      }
      boolean matches = true;
      for (String label : labels) {
        matches &= line.contains(label);
      }
      if (matches) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    return found ? OptionalDouble.of(total) : OptionalDouble.empty();
  }

  /** Resident memory of process {@code pid} in MiB, from {@code /proc/<pid>/status}. */
  public static OptionalDouble residentMiBOfPid(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        String kib = line.substring(6).trim().split("\\s+")[0];
        return OptionalDouble.of(Long.parseLong(kib) / 1024.0);
      }
    }
    return OptionalDouble.empty();
  }

  /** Memory use of container {@code name} in MiB, from {@code docker stats --no-stream}. */
  public static OptionalDouble residentMiBOfContainer(String name)
      throws IOException, InterruptedException {
    Process docker =
        new ProcessBuilder("docker", "stats", "--no-stream", "--format", "{{.MemUsage}}", name)
            .redirectErrorStream(true)
            .start();
    String out = new String(docker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!docker.waitFor(30, TimeUnit.SECONDS) || docker.exitValue() != 0) {
      throw new IOException("docker stats " + name + " failed: " + out);
    }
    // e.g. "176.3MiB / 512MiB"
    return OptionalDouble.of(toMiB(out.split("/")[0].trim()));
  }

  static double toMiB(String size) {
    String s = size.toLowerCase(Locale.ROOT);
    String[][] units = {{"kib", "1"}, {"mib", "1024"}, {"gib", "1048576"}, {"b", "0"}};
    for (String[] unit : units) {
      if (s.endsWith(unit[0])) {
        double value = Double.parseDouble(s.substring(0, s.length() - unit[0].length()));
        return unit[1].equals("0") ? value / 1048576 : value * Double.parseDouble(unit[1]) / 1024;
      }
    }
    throw new IllegalArgumentException("not a docker size: \"" + size + "\"");
  }

  /** TCP connections in state ESTABLISHED whose local port is {@code port}, on this host. */
  public static int establishedTo(int port) throws IOException {
    int count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      for (String line : Files.readAllLines(path)) {
        String[] f = line.trim().split("\\s+");
        // sl local_address rem_address st ...; addresses are HEXIP:HEXPORT, st 01 = ESTABLISHED
        if (f.length > 3 && f[1].contains(":") && "01".equals(f[3])) {
          int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
          if (local == port) {
            count++;
          }
        }
      }
    }
    return count;
  }

  /** The one-minute load average of this machine. */
  public static double loadAverage() throws IOException {
    return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
  }

  /** Asks JVM {@code pid} for a full garbage collection ({@code jcmd PID GC.run}). */
  public static void collectGarbage(long pid) throws IOException, InterruptedException {
    Process jcmd =
        new ProcessBuilder("jcmd", Long.toString(pid), "GC.run").redirectErrorStream(true).start();
    String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " GC.run failed: " + out.trim());
    }
  }
}
