package dev.accord.server.grpc;

import com.google.protobuf.ByteString;
import dev.accord.api.v1.WatchResponse;
import dev.accord.server.backend.DoneCursor;
import dev.accord.server.backend.DonePage;

/**
 * A page a namespace's tail read from {@code from}, with the Watch response that carries all of it:
 * built once, it goes as it is to every stream whose cursor was the tail's.
 */
record TailPage(DonePage page, DoneCursor from, WatchResponse whole) {
  static TailPage of(DonePage page, DoneCursor from) {
    return new TailPage(
        page,
        from,
        WatchStream.responseOf(page, false)
            .setCursor(ByteString.copyFrom(page.next().toBytes()))
            .build());
  }
}
