package outreach.mail;

/**
 * Settings of the Jakarta Mail runtime that every composer and connection relies on.
 *
 * <p>Jakarta Mail finds its stream provider anew for every body part it creates or writes; without the
 * system property naming it, each lookup runs a ServiceLoader over the class path, which reads the jar's
 * service files: in a profile of a busy node that was more than a third of all memory allocated per
 * email. The property names the provider Angus Mail ships, unless it is set already.
 */
public final class MailRuntime {

  static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";
  static final String ANGUS_STREAM_PROVIDER = "org.eclipse.angus.mail.util.MailStreamProvider";

  private MailRuntime() {}

  /** Idempotent; cheap after the first call. */
  public static void configure() {
    if (System.getProperty(STREAM_PROVIDER) == null) System.setProperty(STREAM_PROVIDER, ANGUS_STREAM_PROVIDER);
  }
}
