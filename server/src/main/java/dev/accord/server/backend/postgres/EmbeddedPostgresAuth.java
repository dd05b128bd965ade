package dev.accord.server.backend.postgres;

import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the embedded PostgreSQL ask for a password on every connection: a random password kept in
 * the data directory (mode 0600), set on the {@code postgres} role, and a pg_hba.conf allowing
 * scram-sha-256 only.
 *
 * <p>zonky's initdb always writes {@code -A trust}. So before each start, while no server runs,
 * {@link #secure} checks pg_hba.conf: when it is not ours (a new cluster, or one made by an earlier
 * Accord that trusted local users) it sets the password in single-user mode, then writes
 * pg_hba.conf. The password is set before pg_hba.conf changes, so a crash between the two is
 * repaired at the next start; no server ever runs on the cluster with trust again.
 */
final class EmbeddedPostgresAuth {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresAuth.class);

  /** The superuser zonky's initdb creates; the server connects as it. */
  static final String USER = "postgres";

  static final String PASSWORD_FILE = "postgres.password";

  /** 32 random bytes as hex: 256 bits, and nothing to quote in SQL or a config file. */
  private static final int PASSWORD_BYTES = 32;

  /** The first line of our pg_hba.conf, which tells it from zonky's. */
  static final String HBA_MARKER = "# Accord: scram-sha-256 only";

  private static final String HBA =
      HBA_MARKER
          + "; the password is in the data directory's "
          + PASSWORD_FILE
          + """
          . Written at every start.
          # TYPE  DATABASE     USER  ADDRESS       METHOD
          local   all          all                 scram-sha-256
          host    all          all   127.0.0.1/32  scram-sha-256
          host    all          all   ::1/128       scram-sha-256
          local   replication  all                 scram-sha-256
          host    replication  all   127.0.0.1/32  scram-sha-256
          host    replication  all   ::1/128       scram-sha-256
          """;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  /** How long single-user mode may take to set the password. */
  private static final long SINGLE_USER_TIMEOUT_SECONDS = 120;

  private EmbeddedPostgresAuth() {}

  /** The superuser's password; {@code created}: drawn now, so not yet set on the cluster. */
  record Password(String value, boolean created) {
    @Override
    public String toString() {
      return "Password[hidden, created=" + created + "]";
    }
  }

  /**
   * The password in {@code dataDir}, created (0600) when there is none; an existing file's
   * permissions are narrowed to 0600 if they were wider.
   */
  static Password password(Path dataDir) throws IOException {
    Path file = dataDir.resolve(PASSWORD_FILE);
    if (Files.exists(file)) {
      restrict(file);
      String password = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!password.matches("[0-9a-f]{16,}")) {
        throw new IOException(
            file.toAbsolutePath()
                + " does not hold a password Accord made (hex, at least 16 characters): remove it"
                + " to have a new one set at the next start");
      }
      return new Password(password, false);
    }
    byte[] random = new byte[PASSWORD_BYTES];
    new SecureRandom().nextBytes(random);
    String password = HexFormat.of().formatHex(random);
    Path partial = dataDir.resolve(PASSWORD_FILE + ".new");
    Files.deleteIfExists(partial);
    createOwnerOnly(partial);
    Files.writeString(partial, password + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(partial, file);
    }
    return new Password(password, true);
  }

  /**
   * Before PostgreSQL starts on {@code pgData}: unless pg_hba.conf is already ours and the password
   * not new (its file was removed), sets {@code password} on the superuser (single-user mode, with
   * the binaries under {@code workingDir}), then writes our pg_hba.conf.
   */
  static void secure(Path pgData, Password password, File workingDir, Redirect logFile)
      throws IOException {
    Path hba = pgData.resolve("pg_hba.conf");
    if (!password.created() && Files.exists(hba) && Files.readString(hba).startsWith(HBA_MARKER)) {
      return;
    }
    log.info(
        "Setting a password on the embedded PostgreSQL in {} and requiring it (scram-sha-256)",
        pgData);
    setPassword(postgresBinary(pgData, workingDir), pgData, password.value(), logFile);
    Files.writeString(hba, HBA, StandardCharsets.UTF_8);
  }

  private static void setPassword(Path binary, Path pgData, String password, Redirect logFile)
      throws IOException {
    List<String> command =
        command(
            binary,
            "--single",
            "-D",
            pgData.toString(),
            "-c",
            "password_encryption=scram-sha-256",
            "postgres");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile).start();
    // On stdin, never the command line: other local users can read a process's arguments.
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(
          ("ALTER ROLE " + USER + " PASSWORD '" + password + "';\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    try {
      if (!process.waitFor(SINGLE_USER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(
            "PostgreSQL in single-user mode did not set the password within "
                + SINGLE_USER_TIMEOUT_SECONDS
                + " s; see postgres.log");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while setting the embedded PostgreSQL's password", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "PostgreSQL in single-user mode could not set the password (exit "
              + process.exitValue()
              + "); see postgres.log");
    }
  }

  /**
   * zonky's postgres binary for {@code pgData}'s major version, among those it extracted under
   * {@code workingDir} (one directory per binaries archive).
   */
  private static Path postgresBinary(Path pgData, File workingDir) throws IOException {
    String major = Files.readString(pgData.resolve("PG_VERSION")).strip();
    List<Path> candidates = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(workingDir.toPath(), "PG-*")) {
      for (Path dir : dirs) {
        Path binary = dir.resolve("bin").resolve("postgres");
        if (Files.isExecutable(binary) && majorVersion(binary).equals(major)) {
          return binary;
        }
        candidates.add(binary);
      }
    }
    throw new IOException(
        "no PostgreSQL "
            + major
            + " binary among zonky's in "
            + workingDir
            + " (found "
            + candidates
            + ")");
  }

  /** The major version {@code postgres -V} reports ("postgres (PostgreSQL) 14.22" → "14"). */
  private static String majorVersion(Path binary) throws IOException {
    Process process = new ProcessBuilder(command(binary, "-V")).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String[] words = out.strip().split("\\s+");
    String version = words.length == 0 ? "" : words[words.length - 1];
    int dot = version.indexOf('.');
    return dot < 0 ? version : version.substring(0, dot);
  }

  /**
   * A command line running {@code binary} as zonky runs its own: PostgreSQL refuses to run as root,
   * so as root it runs in a user namespace of its own ({@code unshare -U}).
   */
  private static List<String> command(Path binary, String... arguments) {
    List<String> command = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) {
      command.addAll(List.of("unshare", "-U"));
    }
    command.add(binary.toString());
    command.addAll(List.of(arguments));
    return command;
  }

  private static void createOwnerOnly(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
      restrictWithoutPosix(file);
    }
  }

  private static void restrict(Path file) throws IOException {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      if (!permissions.equals(OWNER_ONLY)) {
        log.warn("{} was readable by others ({}): narrowing it to 0600", file, permissions);
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      }
    } catch (UnsupportedOperationException e) {
      restrictWithoutPosix(file);
    }
  }

  /** Where POSIX permissions do not exist (Windows): readable and writable by the owner only. */
  private static void restrictWithoutPosix(Path file) throws IOException {
    File f = file.toFile();
    boolean ok =
        f.setReadable(false, false)
            && f.setReadable(true, true)
            && f.setWritable(false, false)
            && f.setWritable(true, true);
    if (!ok) {
      throw new IOException("cannot make " + file + " readable by its owner only");
    }
  }
}
