package dev.accord.server.backend;

import dev.accord.server.backend.memory.MemoryBackend;

class MemoryRemovalStreamTest extends RemovalStreamContract {
  @Override
  protected Backend openBackend() {
    return new MemoryBackend();
  }

  @Override
  protected Backend openOtherStore() {
    return new MemoryBackend();
  }
}
