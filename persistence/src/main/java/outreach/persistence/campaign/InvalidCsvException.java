package outreach.persistence.campaign;

/** An upload is not a usable CSV file (no header with an email column, broken quoting, not UTF-8); nothing of it was written. */
public final class InvalidCsvException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidCsvException(String message) {
    super(message);
  }
}
