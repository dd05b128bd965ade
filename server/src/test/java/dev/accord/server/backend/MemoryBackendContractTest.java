package dev.accord.server.backend;

import dev.accord.server.backend.memory.MemoryBackend;

class MemoryBackendContractTest extends BackendContract {
  @Override
  protected Backend openBackend() {
    return new MemoryBackend();
  }
}
