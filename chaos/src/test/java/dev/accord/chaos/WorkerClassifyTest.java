package dev.accord.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accord.chaos.Call.Outcome;
import io.grpc.Status;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How a failed call counts in the history. */
class WorkerClassifyTest {

  @Test
  @DisplayName("lost answers are indeterminate, refusals definite, a server's INTERNAL unexpected")
  void classifiesByWhoSaidWhat() {
    assertThat(Worker.classify(Status.UNAVAILABLE.asRuntimeException()))
        .isEqualTo(Outcome.INDETERMINATE);
    assertThat(Worker.classify(Status.DEADLINE_EXCEEDED.asRuntimeException()))
        .isEqualTo(Outcome.INDETERMINATE);
    assertThat(Worker.classify(Status.FAILED_PRECONDITION.asRuntimeException()))
        .isEqualTo(Outcome.REFUSED);
    assertThat(Worker.classify(Status.INTERNAL.withDescription("bug").asRuntimeException()))
        .isEqualTo(Outcome.UNEXPECTED);
    assertThat(Worker.classify(Status.UNKNOWN.asRuntimeException())).isEqualTo(Outcome.UNEXPECTED);
  }

  @Test
  @DisplayName("UNKNOWN made up by the client's transport when a connection dies is indeterminate")
  void clientTransportUnknownIsIndeterminate() {
    Status channelClosed =
        Status.UNKNOWN.withDescription("channel closed").withCause(new ClosedChannelException());

    assertThat(Worker.classify(channelClosed.asRuntimeException()))
        .isEqualTo(Outcome.INDETERMINATE);
  }
}
