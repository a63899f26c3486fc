package outreach.app;

/** An expected problem at start-up (missing key, database unreachable, port taken): one line, exit code 1. */
final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StartupException(String message) {
    super(message, null, false, false);
  }
}
