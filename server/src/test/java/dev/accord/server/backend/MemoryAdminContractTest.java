package dev.accord.server.backend;

import dev.accord.server.backend.memory.MemoryBackend;

class MemoryAdminContractTest extends AdminContract {
  @Override
  protected Backend openBackend() {
    return new MemoryBackend();
  }

  @Override
  protected Backend openOtherStore() {
    return new MemoryBackend();
  }
}
