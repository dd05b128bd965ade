package dev.accord.server.backend.postgres;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The embedded backend's data directory ({@code ACCORD_DATA_DIR}), made ready for use: created when
 * missing, refused with the reason and what to do when it cannot hold a database.
 */
final class DataDirectory {
  private DataDirectory() {}

  /**
   * Creates {@code dir} (and its parents) if missing and checks this user may write in it.
   *
   * @throws IOException naming ACCORD_DATA_DIR, the path, why it cannot be used and what to do
   */
  static void prepare(Path dir) throws IOException {
    Path path = dir.toAbsolutePath().normalize();
    if (Files.exists(path) && !Files.isDirectory(path)) {
      throw refused(path, "it is a file, not a directory");
    }
    try {
      Files.createDirectories(path);
    } catch (FileAlreadyExistsException e) {
      throw refused(path, e.getFile() + " is in the way: it is a file, not a directory");
    } catch (IOException e) {
      throw refused(path, "cannot create " + path + ": " + reason(e));
    }
    // Asked of the file system itself: root passes permission checks that a read-only mount or a
    // pseudo file system still refuses.
    try {
      Files.delete(Files.createTempFile(path, ".accord-write-check-", ""));
    } catch (IOException e) {
      throw refused(path, "cannot write in it: " + reason(e));
    }
  }

  /** The operating system's reason, in its words where Java keeps them. */
  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied for this user (" + System.getProperty("user.name") + ")";
    }
    if (e instanceof FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static IOException refused(Path path, String reason) {
    return new IOException(
        "ACCORD_DATA_DIR (--data-dir) "
            + path
            + " cannot hold the embedded database: "
            + reason
            + ". Point ACCORD_DATA_DIR at a directory this user may write (it is created if"
            + " missing), or use another backend (ACCORD_BACKEND)");
  }
}
