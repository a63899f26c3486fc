package outreach.mail.template;

/** A template that cannot be used as written: the message says what to fix. */
public final class TemplateException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TemplateException(String message) {
    super(message);
  }
}
