package dev.accord.server.http;

import com.sun.net.httpserver.HttpExchange;
import dev.accord.server.backend.Backend;
import dev.accord.server.backend.NamespaceScope;
import dev.accord.server.security.Caller;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The progress page's requests: the overview ({@code /}), a namespace ({@code /namespaces/NS}),
 * their event streams ({@code /events}, {@code /namespaces/NS/events}) and the page's static files
 * ({@code /progress/...}). Each request is authenticated and sees only what its caller may read.
 */
final class ProgressSite {
  static final String NAMESPACES = "/namespaces/";
  static final String ASSETS = "/progress/";
  private static final String EVENTS = "/events";

  /** A namespace's event stream re-reads its lists every this many ticks. */
  private static final int LIST_TICKS = 5;

  private final ProgressSampler sampler;
  private final NamespaceDetails details;
  private final PageAccess access;
  private final EventStreams streams;

  ProgressSite(Backend backend, PageAccess access, EventStreams streams) {
    this(new ProgressSampler(backend), new NamespaceDetails(backend), access, streams);
  }

  ProgressSite(
      ProgressSampler sampler, NamespaceDetails details, PageAccess access, EventStreams streams) {
    this.sampler = sampler;
    this.details = details;
    this.access = access;
    this.streams = streams;
  }

  /** {@code /}: every readable namespace, or the sign-in form (401) without credentials. */
  void overview(HttpExchange exchange) throws IOException {
    Caller caller;
    try {
      caller = access.caller(exchange);
    } catch (Refusal refusal) {
      Replies.html(
          exchange,
          refusal.status(),
          ProgressPages.overview(viewer(null), List.of(), signInMessage(exchange, refusal)));
      return;
    }
    List<NamespaceProgress> readable = readable(caller);
    Replies.html(exchange, 200, ProgressPages.overview(viewer(caller), readable, null));
  }

  /** {@code /events}: the overview's data, as it changes. */
  void overviewEvents(HttpExchange exchange) throws IOException {
    Caller caller = access.caller(exchange);
    String name = caller == null ? null : caller.name();
    streams.stream(exchange, () -> ProgressJson.overview(name, readable(caller)));
  }

  /** {@code /namespaces/NS} and {@code /namespaces/NS/events}. */
  void namespace(HttpExchange exchange) throws IOException {
    String rest = exchange.getRequestURI().getRawPath().substring(NAMESPACES.length());
    boolean events = rest.endsWith(EVENTS) && rest.indexOf('/') == rest.length() - EVENTS.length();
    String raw = events ? rest.substring(0, rest.length() - EVENTS.length()) : rest;
    if (raw.indexOf('/') >= 0) {
      throw new Refusal(404, "no such page");
    }
    String namespace = decode(raw);
    if (events) {
      namespaceEvents(exchange, namespace);
      return;
    }
    Caller caller;
    try {
      caller = access.caller(exchange);
    } catch (Refusal refusal) {
      Replies.html(
          exchange,
          refusal.status(),
          ProgressPages.namespace(
              viewer(null), namespace, null, null, signInMessage(exchange, refusal)));
      return;
    }
    access.requireReader(caller, namespace);
    NamespaceProgress progress = sampler.one(namespace);
    Replies.html(
        exchange,
        200,
        ProgressPages.namespace(
            viewer(caller),
            namespace,
            progress,
            details.of(namespace, progress.stats().pending()),
            null));
  }

  private void namespaceEvents(HttpExchange exchange, String namespace) throws IOException {
    Caller caller = access.caller(exchange);
    access.requireReader(caller, namespace);
    String name = caller == null ? null : caller.name();
    NamespaceDetails.Lists[] lists = {null};
    int[] ticks = {0};
    streams.stream(
        exchange,
        () -> {
          // Access rules may have been reloaded since the stream opened.
          access.requireReader(caller, namespace);
          NamespaceProgress progress = sampler.one(namespace);
          if (lists[0] == null || ticks[0]++ % LIST_TICKS == 0) {
            lists[0] = details.of(namespace, progress.stats().pending());
          }
          return ProgressJson.namespace(name, progress, lists[0]);
        });
  }

  /** {@code /progress/NAME}: the page's stylesheet and script. */
  void asset(HttpExchange exchange) throws IOException {
    String name = exchange.getRequestURI().getRawPath().substring(ASSETS.length());
    String type =
        switch (name) {
          case "progress.css" -> "text/css; charset=utf-8";
          case "progress.js" -> "text/javascript; charset=utf-8";
          default -> null;
        };
    if (type == null) {
      throw new Refusal(404, "no such file");
    }
    Replies.send(exchange, 200, type, Html.resource(name));
  }

  /** The namespaces {@code caller} may read, with their progress. */
  private List<NamespaceProgress> readable(Caller caller) {
    NamespaceScope scope = access.readable(caller);
    return sampler.all().stream()
        .filter(progress -> scope.contains(progress.stats().namespace()))
        .toList();
  }

  private ProgressPages.Viewer viewer(Caller caller) {
    return new ProgressPages.Viewer(access.on(), caller == null ? null : caller.name());
  }

  /** Nothing for a first visit; what was wrong when a credential was sent. */
  private static String signInMessage(HttpExchange exchange, Refusal refusal) {
    return exchange.getRequestHeaders().containsKey("Authorization") ? refusal.getMessage() : "";
  }

  /** A path segment's percent-encoding undone ({@code +} stays a plus sign). */
  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new Refusal(404, "no such page: the namespace in the path is not percent-encoded");
    }
  }
}
