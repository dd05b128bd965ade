package dev.accord.server.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The permutation between grants and the handle IDs clients see. */
class HandleKeyTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void isAes128OnOneBlockOfTheGrantLayout() {
    // FIPS-197 appendix C.1: key 000102..0f, plaintext 00112233..ff.
    HandleKey key = HandleKey.of("test", HEX.parseHex("000102030405060708090a0b0c0d0e0f"));
    GrantRef layout = new GrantRef(0x0011223344556677L, 0x8899aabbL, 0xccddeeff);

    assertThat(HEX.formatHex(key.seal(layout).toBytes()))
        .isEqualTo("69c4e0d86a7b0430d8cdb78070b4c55a");
  }

  @Test
  void opensWhatItSealedWhateverTheFields() {
    HandleKey key = HandleKey.random();
    for (GrantRef grant :
        new GrantRef[] {
          new GrantRef(1, 1, 0),
          new GrantRef(Long.MAX_VALUE, 0xFFFF_FFFFL, -1),
          new GrantRef(-5, 0, Integer.MIN_VALUE)
        }) {
      assertThat(key.open(key.seal(grant))).isEqualTo(grant);
    }
  }

  @Test
  void neighbouringGrantsGetUnrelatedIds() {
    HandleKey key = HandleKey.random();
    Set<HandleId> ids = new HashSet<>();
    for (long row = 1; row <= 1_000; row++) {
      ids.add(key.seal(new GrantRef(row, 1, 7)));
      ids.add(key.seal(new GrantRef(row, 2, 7)));
    }
    assertThat(ids).hasSize(2_000);
    HandleId first = key.seal(new GrantRef(1, 1, 7));
    HandleId next = key.seal(new GrantRef(2, 1, 7));
    assertThat(Long.bitCount(first.high() ^ next.high()) + Long.bitCount(first.low() ^ next.low()))
        .as("bits that differ between the IDs of rows 1 and 2")
        .isBetween(32, 96);
  }

  @Test
  void aFlippedBitOpensToAnotherRowEntirely() {
    HandleKey key = HandleKey.random();
    GrantRef grant = new GrantRef(42, 3, 99);
    byte[] genuine = key.seal(grant).toBytes();
    for (int bit = 0; bit < 128; bit++) {
      byte[] altered = genuine.clone();
      altered[bit / 8] ^= (byte) (1 << (bit % 8));
      GrantRef opened = key.open(HandleId.fromBytes("handle_id", altered));
      assertThat(opened.resourceId()).as("bit %d", bit).isNotEqualTo(grant.resourceId());
    }
  }

  @Test
  void anotherKeyOpensTheSameIdToAnotherGrant() {
    GrantRef grant = new GrantRef(42, 3, 99);
    HandleId id = HandleKey.random().seal(grant);
    assertThat(HandleKey.random().open(id)).isNotEqualTo(grant);
  }

  @Test
  void theSameKeyBytesMakeTheSameIds() {
    byte[] bytes = new byte[HandleKey.KEY_BYTES];
    new Random(1).nextBytes(bytes);
    GrantRef grant = new GrantRef(42, 3, 99);
    assertThat(HandleKey.of("a", bytes).seal(grant))
        .isEqualTo(HandleKey.of("b", bytes).seal(grant));
  }

  @Test
  void aKeyOfTheWrongLengthIsRefusedNamingWhereItCameFrom() {
    assertThatThrownBy(() -> HandleKey.of("accord_store.handle_key", new byte[15]))
        .hasMessageContaining("accord_store.handle_key")
        .hasMessageContaining("16 bytes, got 15");
  }

  @Test
  void wireIdsMustBeSixteenBytesNamingTheField() {
    assertThatThrownBy(() -> HandleId.fromBytes("handle_id", new byte[15]))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("handle_id");
  }

  @Test
  void keysDoNotShowInLogs() {
    assertThat(HandleKey.random().toString()).doesNotContainPattern("[0-9a-f]{8}");
  }
}
