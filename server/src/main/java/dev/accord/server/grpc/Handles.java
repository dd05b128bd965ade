package dev.accord.server.grpc;

import com.google.protobuf.ByteString;
import dev.accord.api.v1.Handle;
import dev.accord.server.backend.Resource;

/** Builds the wire {@link Handle} of a stored resource. */
final class Handles {
  private Handles() {}

  /** With {@code withId} false the handle ID is left out: it is only for the grant's owner. */
  static Handle toProto(Resource resource, boolean withId) {
    Handle.Builder handle =
        Handle.newBuilder()
            .setName(resource.name())
            .setNamespace(resource.namespace())
            .setExpTms(resource.expiresAtMillis())
            .setDoneTms(resource.doneAtMillis())
            .setNumAcquired((int) resource.numAcquired())
            .putAllMetadata(resource.metadata());
    if (withId) {
      handle.setId(ByteString.copyFrom(resource.handleId().toBytes()));
    }
    return handle.build();
  }
}
