package outreach.persistence.campaign;

/** An upload exceeded its row or byte limit; nothing of it was written. */
public final class ImportTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Which limit was exceeded. */
  public enum Limit {
    ROWS,
    BYTES
  }

  private final Limit limit;
  private final long maximum;

  private ImportTooLargeException(Limit limit, long maximum, String message) {
    super(message);
    this.limit = limit;
    this.maximum = maximum;
  }

  static ImportTooLargeException rows(long maxRows) {
    return new ImportTooLargeException(Limit.ROWS, maxRows, "the CSV has more than " + maxRows + " rows");
  }

  static ImportTooLargeException bytes(long maxBytes) {
    return new ImportTooLargeException(Limit.BYTES, maxBytes, "the CSV is larger than " + maxBytes + " bytes");
  }

  public Limit limit() {
    return limit;
  }

  public long maximum() {
    return maximum;
  }
}
