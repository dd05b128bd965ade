package dev.accord.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens against the token file, which is re-read when it changes. */
class TokenFileAuthenticatorTest {
  @TempDir Path dir;

  static Metadata bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(BearerToken.AUTHORIZATION, "Bearer " + token);
    return headers;
  }

  private Caller authenticate(TokenFileAuthenticator authenticator, Metadata headers)
      throws StatusException {
    return authenticator.authenticate(headers, Attributes.EMPTY);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void aListedTokenIsItsUserAnUnlistedOneIsRefused() throws Exception {
    TokenFileAuthenticator authenticator =
        new TokenFileAuthenticator(write("tokens.csv", "t1,alice,1,\"a,b\"\n"));

    assertThat(authenticate(authenticator, bearer("t1")))
        .isEqualTo(new Caller("alice", Set.of("a", "b")));
    assertThatThrownBy(() -> authenticate(authenticator, bearer("t2")))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).isEqualTo("token not recognised");
            });
  }

  @Test
  void noAuthorizationHeaderIsNoAnswerAndAnotherSchemeIsRefused() throws Exception {
    TokenFileAuthenticator authenticator =
        new TokenFileAuthenticator(write("tokens.csv", "t1,alice,1\n"));
    assertThat(authenticate(authenticator, new Metadata())).isNull();

    Metadata basic = new Metadata();
    basic.put(BearerToken.AUTHORIZATION, "Basic dTpw");
    assertThatThrownBy(() -> authenticate(authenticator, basic))
        .hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining("Bearer TOKEN");
    Metadata lowerCase = new Metadata();
    lowerCase.put(BearerToken.AUTHORIZATION, "bearer t1");
    assertThat(authenticate(authenticator, lowerCase).name()).isEqualTo("alice");
  }

  @Test
  void aChangedFileIsReadAgain() throws Exception {
    Path file = write("tokens.csv", "t1,alice,1\n");
    TokenFileAuthenticator authenticator = new TokenFileAuthenticator(file);
    assertThat(authenticate(authenticator, bearer("t1")).name()).isEqualTo("alice");

    Files.writeString(file, "t2,bob,2,ops\n");

    assertThat(authenticate(authenticator, bearer("t2")))
        .isEqualTo(new Caller("bob", Set.of("ops")));
    assertThatThrownBy(() -> authenticate(authenticator, bearer("t1")))
        .hasMessageContaining("token not recognised");
  }

  @Test
  void anAtomicallyReplacedFileIsReadAgain() throws Exception {
    Path file = write("tokens.csv", "t1,alice,1\n");
    TokenFileAuthenticator authenticator = new TokenFileAuthenticator(file);

    Files.move(
        write("next.csv", "t9,zed,9\n"),
        file,
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);

    assertThat(authenticate(authenticator, bearer("t9")).name()).isEqualTo("zed");
  }

  @Test
  void aBadFileOnReloadKeepsTheLastGoodTokens() throws Exception {
    Path file = write("tokens.csv", "t1,alice,1\n");
    TokenFileAuthenticator authenticator = new TokenFileAuthenticator(file);

    Files.writeString(file, "t1,alice,1\nbroken\n");
    assertThat(authenticate(authenticator, bearer("t1")).name()).isEqualTo("alice");
    Files.delete(file);
    assertThat(authenticate(authenticator, bearer("t1")).name()).isEqualTo("alice");

    Files.writeString(file, "t3,carol,3\n");
    assertThat(authenticate(authenticator, bearer("t3")).name()).isEqualTo("carol");
  }

  @Test
  void aBadOrMissingFileAtStartNamesTheFileAndLine() throws Exception {
    Path bad = write("bad.csv", "t1,alice,1\nt2\n");
    assertThatThrownBy(() -> new TokenFileAuthenticator(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(bad.toString() + " line 2");
    Path missing = dir.resolve("missing.csv");
    assertThatThrownBy(() -> new TokenFileAuthenticator(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ACCORD_AUTH")
        .hasMessageContaining(missing.toString());
  }
}
