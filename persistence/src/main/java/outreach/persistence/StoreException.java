package outreach.persistence;

/** A read or write against the database failed. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message + ": " + Database.rootMessage(cause), cause);
  }
}
