package dev.accord.server.security;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ACCORD_AUTH=tokens:FILE}: a bearer token is accepted when the file lists it, and the
 * caller is the listed user with its groups. The file is looked at on every call (one {@code stat})
 * and re-read when it changed; a file that no longer reads or parses keeps the last good tokens and
 * logs an ERROR once per change.
 */
public final class TokenFileAuthenticator implements Authenticator {
  private static final Logger log = LoggerFactory.getLogger(TokenFileAuthenticator.class);

  /**
   * What identifies one version of the file: an atomic replace (how Kubernetes updates a mounted
   * Secret) or a rewrite changes it; a rewrite of the same size within the file system's timestamp
   * granularity goes unnoticed until the next change.
   */
  private record Stamp(FileTime modified, long size, Object fileKey) {}

  private final Path file;
  private volatile StaticTokens tokens;
  private volatile Stamp seen;

  /**
   * Reads {@code file} once.
   *
   * @throws IllegalArgumentException naming the file (and the line, when one is wrong)
   */
  public TokenFileAuthenticator(Path file) {
    this.file = file;
    try {
      Stamp stamp = stamp();
      this.tokens = StaticTokens.read(file);
      this.seen = stamp;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          AuthMode.VARIABLE + " token file " + file + " cannot be read: " + e, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(AuthMode.VARIABLE + " token file " + e.getMessage(), e);
    }
    if (tokens.size() == 0) {
      log.warn("The token file {} lists no tokens: every call will be refused", file);
    }
  }

  @Override
  public Caller authenticate(Metadata headers, Attributes transport) throws StatusException {
    String token = BearerToken.of(headers);
    if (token == null) {
      return null;
    }
    Caller caller = current().find(token);
    if (caller == null) {
      throw Status.UNAUTHENTICATED.withDescription("token not recognised").asException();
    }
    return caller;
  }

  @Override
  public String credential() {
    return "a bearer token listed in the server's token file (authorization: Bearer TOKEN)";
  }

  /** The tokens, re-read first when the file changed since it was last looked at. */
  private StaticTokens current() {
    Stamp stamp;
    try {
      stamp = stamp();
    } catch (IOException e) {
      synchronized (this) {
        if (seen != null) {
          log.error(
              "Cannot look at the token file {}: {}; keeping the tokens read before", file, e);
          seen = null;
        }
      }
      return tokens;
    }
    if (!stamp.equals(seen)) {
      reload(stamp);
    }
    return tokens;
  }

  private synchronized void reload(Stamp stamp) {
    if (stamp.equals(seen)) {
      return;
    }
    seen = stamp;
    try {
      tokens = StaticTokens.read(file);
      log.info("Re-read the token file {}: {} token(s)", file, tokens.size());
    } catch (IOException | IllegalArgumentException e) {
      log.error(
          "The token file {} changed but cannot be used: {}; keeping the tokens read before",
          file,
          e.getMessage());
    }
  }

  private Stamp stamp() throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
  }
}
