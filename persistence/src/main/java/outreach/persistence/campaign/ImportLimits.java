package outreach.persistence.campaign;

/**
 * Bounds of one recipient upload: at most {@code maxRows} data rows (the header not counted) and
 * {@code maxBytes} bytes; the report lists the first {@code rejectedReported} rejected rows.
 */
public record ImportLimits(int maxRows, long maxBytes, int rejectedReported) {

  public ImportLimits {
    if (maxRows < 1) throw new IllegalArgumentException("maxRows must be at least 1");
    if (maxBytes < 1) throw new IllegalArgumentException("maxBytes must be at least 1");
    if (rejectedReported < 0) throw new IllegalArgumentException("rejectedReported must not be negative");
  }
}
