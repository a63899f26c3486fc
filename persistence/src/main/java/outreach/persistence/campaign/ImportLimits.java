package outreach.persistence.campaign;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Bounds of one recipient upload: at most {@code maxRows} data rows (the header not counted) and
 * {@code maxBytes} bytes; the report lists the first {@code rejectedReported} rejected rows. An
 * address whose local part is one of {@code roleLocalParts} (postmaster, info, ...) reaches a
 * mailbox or a machine rather than a person, so it is counted, and rejected when
 * {@code rejectRoleAddresses}.
 */
public record ImportLimits(
    int maxRows, long maxBytes, int rejectedReported, Set<String> roleLocalParts, boolean rejectRoleAddresses) {

  public ImportLimits {
    if (maxRows < 1) throw new IllegalArgumentException("maxRows must be at least 1");
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be at least 1");
    if (rejectedReported < 0) throw new IllegalArgumentException("rejectedReported must not be negative");
    roleLocalParts = roleLocalParts.stream().map(p -> p.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  /** Limits that treat no address as a role address. */
  public ImportLimits(int maxRows, long maxBytes, int rejectedReported) {
    this(maxRows, maxBytes, rejectedReported, Set.of(), false);
  }

  /** Whether {@code email}, a syntactically valid address, has a role local part. */
  public boolean isRoleAddress(String email) {
    int at = email.lastIndexOf('@');
    return at > 0 && roleLocalParts.contains(email.substring(0, at).toLowerCase(Locale.ROOT));
  }
}
