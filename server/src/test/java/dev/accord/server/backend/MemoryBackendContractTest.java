package dev.accord.server.backend;

import dev.accord.server.backend.memory.MemoryBackend;
import java.time.Clock;

class MemoryBackendContractTest extends BackendContract {
  private final HandleKey key = HandleKey.random();

  @Override
  protected Backend openBackend() {
    return new MemoryBackend(Clock.systemUTC(), key);
  }

  @Override
  protected HandleKey handleKey() {
    return key;
  }

  /** Another process's store: a key of its own, drawn at random. */
  @Override
  protected Backend openOtherStore() {
    return new MemoryBackend();
  }
}
