package dev.accord.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bearer token kept in a file, such as a projected ServiceAccount token that the kubelet rotates:
 * looked at on every call (one {@code stat}) and re-read when it changed. Surrounding whitespace is
 * not part of the token. When a changed file cannot be read or is empty, the last token read stays
 * in use and a warning is logged once per change.
 */
final class TokenFile implements Supplier<String> {
  private static final Logger log = LoggerFactory.getLogger(TokenFile.class);

  /** What identifies one version of the file: the kubelet's atomic replace changes it. */
  private record Stamp(FileTime modified, long size, Object fileKey) {}

  private final Path file;
  private volatile String token;
  private volatile Stamp seen;

  /**
   * Reads {@code file} once.
   *
   * @param setting the setting that named the file, for the error
   * @throws IllegalArgumentException naming the setting and the file when it cannot be read or
   *     holds no token
   */
  TokenFile(Path file, String setting) {
    this.file = file;
    try {
      Stamp stamp = stamp();
      this.token = read();
      this.seen = stamp;
    } catch (IOException | IllegalStateException e) {
      throw new IllegalArgumentException(
          setting + " names a token file that cannot be used: " + file + ": " + e.getMessage(), e);
    }
  }

  /** The token, re-read first when the file changed. */
  @Override
  public String get() {
    try {
      Stamp stamp = stamp();
      if (!stamp.equals(seen)) {
        reload(stamp);
      }
    } catch (IOException e) {
      warnOnce(null, e);
    }
    return token;
  }

  private synchronized void reload(Stamp stamp) {
    if (stamp.equals(seen)) {
      return;
    }
    try {
      token = read();
      seen = stamp;
    } catch (IOException | IllegalStateException e) {
      warnOnce(stamp, e);
    }
  }

  private synchronized void warnOnce(Stamp stamp, Exception e) {
    if (seen == null && stamp == null) {
      return;
    }
    seen = stamp;
    log.warn(
        "Cannot read the token file {}: {}; sending the token read before", file, e.toString());
  }

  private String read() throws IOException {
    String content = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (content.isEmpty()) {
      throw new IllegalStateException("the file is empty");
    }
    return content;
  }

  private Stamp stamp() throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
  }
}
