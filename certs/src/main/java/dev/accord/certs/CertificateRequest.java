package dev.accord.certs;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;

/**
 * What a {@link CertificateAuthority} puts into a certificate it issues.
 *
 * @param commonName the subject's CN; null for the first DNS name in {@code names}, else the first
 *     name
 * @param names the subject alternative names, in this order: an IP address literal ({@code
 *     127.0.0.1}, {@code ::1}) goes in as an IP address, anything else as a DNS name
 * @param purposes what the key may be used for (extended key usage); at least one
 * @param validity how long after issuance it stays valid; never beyond the issuing CA
 * @throws IllegalArgumentException when there is no purpose, the validity is not positive, a name
 *     is blank or looks like an IP address without being one, or there is nothing to name the
 *     subject by; a certificate for {@link KeyPurpose#SERVER_AUTH} needs at least one name (TLS
 *     clients check those, not the CN)
 */
public record CertificateRequest(
    String commonName, List<String> names, Set<KeyPurpose> purposes, Duration validity) {
  /** Dotted digits: an IPv4 address, or a typo of one that must not become a DNS name. */
  private static final Pattern DOTTED_DIGITS = Pattern.compile("^[0-9]{1,3}(\\.[0-9]{1,3}){3}$");

  public CertificateRequest {
    names = List.copyOf(names);
    Objects.requireNonNull(purposes, "purposes");
    Objects.requireNonNull(validity, "validity");
    if (purposes.isEmpty()) {
      throw new IllegalArgumentException("a certificate needs at least one key purpose");
    }
    purposes = Collections.unmodifiableSet(EnumSet.copyOf(purposes));
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("validity must be positive, got " + validity);
    }
    if (commonName != null && commonName.isBlank()) {
      throw new IllegalArgumentException("the common name must not be blank");
    }
    for (String name : names) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("names must not be blank: " + names);
      }
      isIpAddress(name);
    }
    if (names.isEmpty() && purposes.contains(KeyPurpose.SERVER_AUTH)) {
      throw new IllegalArgumentException("a server certificate needs at least one name");
    }
    if (names.isEmpty() && commonName == null) {
      throw new IllegalArgumentException("a certificate needs a common name or at least one name");
    }
  }

  /** A certificate a TLS server presents for {@code names} (DNS names and IP addresses). */
  public static CertificateRequest server(List<String> names, Duration validity) {
    return new CertificateRequest(null, names, EnumSet.of(KeyPurpose.SERVER_AUTH), validity);
  }

  /** A certificate a TLS client presents, naming it by {@code commonName}. */
  public static CertificateRequest client(String commonName, Duration validity) {
    return new CertificateRequest(
        commonName, List.of(), EnumSet.of(KeyPurpose.CLIENT_AUTH), validity);
  }

  /** This request with another common name. */
  public CertificateRequest withCommonName(String name) {
    return new CertificateRequest(name, names, purposes, validity);
  }

  /** This request with other key purposes, such as both server and client authentication. */
  public CertificateRequest withPurposes(KeyPurpose first, KeyPurpose... more) {
    return new CertificateRequest(commonName, names, EnumSet.of(first, more), validity);
  }

  /** The subject's CN: {@link #commonName()}, else the first DNS name, else the first name. */
  public String subjectCommonName() {
    if (commonName != null) {
      return commonName;
    }
    return names.stream().filter(name -> !isIpAddress(name)).findFirst().orElse(names.get(0));
  }

  /**
   * Whether {@code name} goes into the certificate as an IP address (else as a DNS name).
   *
   * @throws IllegalArgumentException when it looks like an IP address but is not a valid one
   */
  static boolean isIpAddress(String name) {
    if (IPAddress.isValid(name)) {
      return true;
    }
    if (name.contains(":") || DOTTED_DIGITS.matcher(name).matches()) {
      throw new IllegalArgumentException(name + " is neither an IP address nor a DNS name");
    }
    return false;
  }
}
