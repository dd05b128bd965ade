package dev.accord.operator.e2e;

import dev.accord.client.AccordClient;
import dev.accord.client.WorkLoop;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * A worker process of the end-to-end test, configured only by what the webhook injected ({@link
 * AccordClient#fromEnvironment()}): sweeps {@code count} resources, writing one line per resource
 * it processed ("name fencingToken owner") to {@code output}, until every resource is done. After
 * {@code holdAfter} resources it holds (inside its lease, which it keeps renewing) until the gate
 * file exists: the test opens it once it has scaled and killed a server, so that those happen while
 * the workers still have work, however fast they run.
 *
 * <p>Arguments: output file, resource count, milliseconds of work per resource, gate file,
 * holdAfter.
 */
public final class E2eWorker {
  private E2eWorker() {}

  public static void main(String[] args) throws Exception {
    Path output = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    long workMillis = Long.parseLong(args[2]);
    Path gate = Path.of(args[3]);
    int holdAfter = Integer.parseInt(args[4]);
    AtomicInteger started = new AtomicInteger();
    List<String> names =
        IntStream.range(0, count).mapToObj(i -> String.format("report-%05d", i)).toList();
    try (AccordClient client = AccordClient.fromEnvironment();
        Writer log =
            Files.newBufferedWriter(
                output,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
      while (true) {
        WorkLoop.Progress pass =
            client
                .workLoop(
                    2,
                    lease -> {
                      if (started.incrementAndGet() > holdAfter) {
                        while (!Files.exists(gate)) {
                          Thread.sleep(100);
                        }
                      }
                      synchronized (log) {
                        log.write(
                            lease.name()
                                + " "
                                + lease.fencingToken()
                                + " "
                                + client.owner()
                                + "\n");
                        log.flush();
                      }
                      Thread.sleep(workMillis);
                    })
                .run(names);
        System.out.println(client.owner() + ": " + pass);
        if (pass.done() + pass.skipped() == count) {
          return; // every resource is done, by this worker or another
        }
        // Held by others, or failed: look again once their leases have moved on.
        Thread.sleep(500);
      }
    } catch (IOException e) {
      System.err.println("cannot write " + output + ": " + e);
      System.exit(3);
    }
  }
}
