package dev.accord.server.backend.postgres;

import dev.accord.server.tracing.Tracing;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.List;

/**
 * A span per batch of writes: {@code accord.batch <operation>}, with the batch's size, linked to
 * the span of each call it answers. Links rather than a parent: one batch serves many calls of many
 * traces, and a span has one parent; a link to each keeps every caller's trace one hop from the
 * statement that answered it (the SDK keeps 128 links a span by default, the size attribute says
 * how many there were). No span while tracing is off.
 */
final class BatchSpans {
  private BatchSpans() {}

  /** The caller's span, to link the batch to: what is current on the submitting thread. */
  static SpanContext caller() {
    return Span.current().getSpanContext();
  }

  /** Starts the span of {@code batch}; {@link Span#getInvalid()} while tracing is off. */
  static Span start(String operation, List<? extends BatchedWrites.Pending<?>> batch) {
    if (!GlobalOpenTelemetry.isSet()) {
      return Span.getInvalid();
    }
    SpanBuilder builder =
        GlobalOpenTelemetry.getTracer(Tracing.SCOPE)
            .spanBuilder("accord.batch " + operation)
            .setParent(Context.root())
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute("db.system.name", "postgresql")
            .setAttribute("db.operation.name", operation)
            .setAttribute("accord.batch.size", (long) batch.size());
    for (BatchedWrites.Pending<?> pending : batch) {
      if (pending.caller().isValid()) {
        builder.addLink(pending.caller());
      }
    }
    return builder.startSpan();
  }
}
