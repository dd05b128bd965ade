package dev.accord.server.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** An event stream read line by line, as it arrives, into a list the test can look at. */
final class EventLines implements AutoCloseable {
  final List<String> lines = new CopyOnWriteArrayList<>();
  final CompletableFuture<HttpResponse<Stream<String>>> response;

  EventLines(HttpClient client, URI uri, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri);
    if (headers.length > 0) {
      request.headers(headers);
    }
    response =
        client
            .sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
            .thenApply(
                answer -> {
                  CompletableFuture.runAsync(() -> answer.body().forEach(lines::add));
                  return answer;
                });
  }

  /** The data of every {@code progress} event so far. */
  List<String> progressData() {
    List<String> data = new java.util.ArrayList<>();
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).equals("event: progress") && lines.get(i + 1).startsWith("data: ")) {
        data.add(lines.get(i + 1).substring("data: ".length()));
      }
    }
    return data;
  }

  @Override
  public void close() {
    response.thenAccept(answer -> answer.body().close());
    response.cancel(true);
  }
}
