package dev.accord.server.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.V1Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * ACCORD_LOG_FORMAT in a real server process, configured by the logback.xml the jar ships: json
 * gives one JSON object per line (the request log's fields and call id included), a bad value stops
 * the process before it logs anything.
 */
class LogFormatProcessTest {
  private static final Pattern LISTENING =
      Pattern.compile("Accord server listening on [^:]*:(\\d+)");

  @Test
  void jsonLogsOneObjectPerLineWithTheRequestLogFields() throws Exception {
    Path stdout = Files.createTempFile("accord-json-log-", ".out");
    Process process =
        start(
            stdout,
            Map.of(
                "ACCORD_LOG_FORMAT", "json",
                "ACCORD_REQUEST_LOG", "DEBUG",
                "ACCORD_BACKEND", "memory",
                "ACCORD_LISTEN", "127.0.0.1:0",
                "ACCORD_HTTP_LISTEN", "off"));
    BlockingQueue<String> lines = linesOf(process);
    try {
      JsonObject listening =
          nextMatching(lines, line -> line.contains("Accord server listening on"));
      assertThat(listening.get("level").getAsString()).isEqualTo("INFO");
      assertThat(listening.get("loggerName").getAsString())
          .isEqualTo("dev.accord.server.ServerProcess");
      Matcher port = LISTENING.matcher(listening.get("formattedMessage").getAsString());
      assertThat(port.find()).isTrue();

      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", Integer.parseInt(port.group(1)))
              .usePlaintext()
              .build();
      try {
        V1Grpc.newBlockingStub(channel)
            .acquire(
                AcquireRequest.newBuilder()
                    .setOwner("w")
                    .setNamespace("json-ns")
                    .setName("a")
                    .setTtl(60)
                    .putMetadata("token", "s3cr3t-value")
                    .build());
      } finally {
        channel.shutdownNow();
      }
      JsonObject request = nextMatching(lines, line -> line.contains("accord.requests"));
      assertThat(request.get("level").getAsString()).isEqualTo("DEBUG");
      assertThat(request.getAsJsonObject("mdc").get(RequestLog.CALL_ID).getAsString())
          .matches("[0-9a-f]{16}");
      Map<String, String> fields = keyValues(request.getAsJsonArray("kvpList"));
      assertThat(fields)
          .containsEntry("method", V1Grpc.getAcquireMethod().getFullMethodName())
          .containsEntry("namespace", "json-ns")
          .containsEntry("status", "OK")
          .containsKeys("duration_ms", "peer");
      assertThat(request.toString()).doesNotContain("s3cr3t-value");
    } finally {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
    }
    // Nothing of logback's own status on standard output: the configuration loads cleanly.
    assertThat(stdout).isEmptyFile();
  }

  @Test
  void aBadLogFormatStopsTheProcessWithExitTwoNamingIt() throws Exception {
    Path stdout = Files.createTempFile("accord-bad-log-", ".out");
    Process process =
        start(
            stdout,
            Map.of("ACCORD_LOG_FORMAT", "xml", "ACCORD_BACKEND", "memory", "ACCORD_LISTEN", ":0"));
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(err.strip())
        .isEqualTo("accord-server: ACCORD_LOG_FORMAT must be text or json, got \"xml\"");
    assertThat(stdout).isEmptyFile();
  }

  @Test
  void theFormatIsTextOrJsonInAnyCase() {
    assertThat(LogFormat.parse(null)).isEqualTo("text");
    assertThat(LogFormat.parse("JSON")).isEqualTo("json");
    assertThat(LogFormat.parse(" text ")).isEqualTo("text");
    assertThatThrownBy(() -> LogFormat.parse("logfmt"))
        .hasMessage("ACCORD_LOG_FORMAT must be text or json, got \"logfmt\"");
  }

  /**
   * The server's main class in a JVM of its own, on this test's class path, its standard output
   * going to {@code stdout}.
   */
  private static Process start(Path stdout, Map<String, String> env) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "dev.accord.server.AccordServerMain");
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(key -> key.startsWith("ACCORD_"));
    environment.putAll(env);
    builder.redirectOutput(stdout.toFile());
    return builder.start();
  }

  /** Standard error's lines, as they come. */
  private static BlockingQueue<String> linesOf(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader err =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("reader failed: " + e);
              }
            });
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  /** The next line {@code wanted} picks, parsed; every line before it must be a JSON object too. */
  private static JsonObject nextMatching(
      BlockingQueue<String> lines, java.util.function.Predicate<String> wanted)
      throws InterruptedException {
    List<String> seen = new ArrayList<>();
    while (true) {
      String line = lines.poll(60, TimeUnit.SECONDS);
      assertThat(line).as("log lines so far: %s", seen).isNotNull();
      seen.add(line);
      JsonElement parsed = JsonParser.parseString(line);
      assertThat(parsed.isJsonObject()).as(line).isTrue();
      if (wanted.test(line)) {
        return parsed.getAsJsonObject();
      }
    }
  }

  private static Map<String, String> keyValues(JsonArray pairs) {
    Map<String, String> values = new HashMap<>();
    for (JsonElement pair : pairs) {
      pair.getAsJsonObject()
          .entrySet()
          .forEach(e -> values.put(e.getKey(), e.getValue().getAsString()));
    }
    return values;
  }
}
