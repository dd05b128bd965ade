package dev.accord.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Kubernetes' static-token CSV format, read as the API server reads it, and bad lines named. */
class StaticTokensTest {
  @Test
  void quotedFieldsHoldCommasAndDoubledQuotes() {
    assertThat(CsvLine.split("a,b,c")).containsExactly("a", "b", "c");
    assertThat(CsvLine.split("t,u,1,\"g1,g2\"")).containsExactly("t", "u", "1", "g1,g2");
    assertThat(CsvLine.split("\"say \"\"hi\"\"\",u,,")).containsExactly("say \"hi\"", "u", "", "");
    assertThat(CsvLine.split("")).containsExactly("");
  }

  @Test
  void malformedQuotingIsRefusedSayingWhere() {
    assertThatThrownBy(() -> CsvLine.split("t,u,1,\"g1,g2"))
        .hasMessageContaining("character 7")
        .hasMessageContaining("not closed");
    assertThatThrownBy(() -> CsvLine.split("t,u\"x,1")).hasMessageContaining("character 4");
    assertThatThrownBy(() -> CsvLine.split("t,\"u\"x,1")).hasMessageContaining("quoted field");
  }

  @Test
  void eachLineIsAUserWithItsGroups() {
    StaticTokens tokens =
        StaticTokens.parse(
            "tokens.csv",
            List.of(
                "alice-token,alice,1001,\"batch-workers, readers\"",
                "",
                "bob-token,bob,1002,ops",
                "carol-token,carol,1003"));

    assertThat(tokens.find("alice-token"))
        .isEqualTo(new Caller("alice", Set.of("batch-workers", "readers")));
    assertThat(tokens.find("bob-token")).isEqualTo(new Caller("bob", Set.of("ops")));
    assertThat(tokens.find("carol-token")).isEqualTo(new Caller("carol", Set.of()));
    assertThat(tokens.find("alice-token ")).isNull();
    assertThat(tokens.find("nobody")).isNull();
    assertThat(tokens.size()).isEqualTo(3);
  }

  @Test
  void aByteOrderMarkBeforeTheFirstTokenIsNotPartOfIt() {
    assertThat(StaticTokens.parse("f", List.of("\uFEFFt,u,1")).find("t")).isNotNull();
  }

  @Test
  void badLinesNameTheFileTheLineAndTheProblem() {
    assertThatThrownBy(() -> StaticTokens.parse("tokens.csv", List.of("t,u,1", "only,two")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokens.csv line 2")
        .hasMessageContaining("token,user,uid");
    assertThatThrownBy(() -> StaticTokens.parse("tokens.csv", List.of(",u,1")))
        .hasMessageContaining("line 1")
        .hasMessageContaining("token (column 1) is empty");
    assertThatThrownBy(() -> StaticTokens.parse("tokens.csv", List.of("t, ,1")))
        .hasMessageContaining("user (column 2) is empty");
    assertThatThrownBy(() -> StaticTokens.parse("tokens.csv", List.of("t,u,1,\"g")))
        .hasMessageContaining("tokens.csv line 1")
        .hasMessageContaining("not closed");
    assertThatThrownBy(() -> StaticTokens.parse("tokens.csv", List.of("t,u,1", "", "t,v,2")))
        .hasMessageContaining("line 3")
        .hasMessageContaining("listed already on line 1");
  }

  @Test
  void theErrorNeverQuotesAToken() {
    assertThatThrownBy(() -> StaticTokens.parse("f", List.of("s3cret,u,1", "s3cret,v,2")))
        .hasMessageNotContaining("s3cret");
  }
}
