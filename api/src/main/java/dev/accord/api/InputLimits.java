package dev.accord.api;

/**
 * The input rules of the wire API, in numbers. The server refuses a request that breaks one with
 * INVALID_ARGUMENT naming the field; the client checks its own settings against the same numbers,
 * so a value it accepts is one every server accepts.
 */
public final class InputLimits {
  /** Characters (code points) of {@code namespace}; may be empty. */
  public static final int MAX_NAMESPACE_CHARS = 100;

  /** Characters of a resource {@code name}; never empty. */
  public static final int MAX_NAME_CHARS = 255;

  /** Characters of {@code owner}; never empty. */
  public static final int MAX_OWNER_CHARS = 255;

  /** Metadata entries (key and value pairs) one request may carry. */
  public static final int MAX_METADATA_ENTRIES = 64;

  /** Metadata keys and values together, UTF-8 encoded. */
  public static final int MAX_METADATA_BYTES = 16 * 1024;

  /**
   * Acquire and Claim grant at least this long a lease; Renew also takes 0, which releases the
   * lease.
   */
  public static final int MIN_ACQUIRE_TTL_SECONDS = 1;

  /** One day: the longest lease any call grants. */
  public static final int MAX_TTL_SECONDS = 24 * 60 * 60;

  /** Candidates one Claim may send, and grants it may ask for. */
  public static final int MAX_CLAIM_NAMES = 1000;

  /** Bytes of a {@code handle_id}. */
  public static final int HANDLE_ID_BYTES = 16;

  /**
   * The largest valid request, encoded: a Claim of {@link #MAX_CLAIM_NAMES} names of {@link
   * #MAX_NAME_CHARS} characters of 4 UTF-8 bytes each, with the most metadata and the longest
   * namespace and owner (each string with its field tag and length), plus 4 KiB for the other
   * fields. Servers refuse larger messages before reading them.
   */
  public static final int MAX_REQUEST_BYTES =
      MAX_CLAIM_NAMES * (MAX_NAME_CHARS * 4 + 3)
          + MAX_METADATA_BYTES
          + MAX_METADATA_ENTRIES * 8
          + (MAX_NAMESPACE_CHARS + MAX_OWNER_CHARS) * 4
          + 4 * 1024;

  private InputLimits() {}
}
