package dev.accord.server.grpc;

import dev.accord.server.backend.Backend;
import dev.accord.server.backend.memory.MemoryBackend;

class MemoryAuthorizationTest extends AuthorizationContract {
  @Override
  protected Backend openBackend() {
    return new MemoryBackend();
  }
}
