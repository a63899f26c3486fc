package outreach.mail.smtp;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import outreach.mail.EmailAddresses;

/**
 * One SMTP session with an account's server (Jakarta Mail over Angus), opened once and reused for many
 * messages. A session the server dropped while it sat idle is reopened once, before the next message goes out.
 * Every outcome is classified ({@link SmtpReplyClassifier}); nothing is thrown for a refused or failed send.
 *
 * <p>Not thread-safe, by design: an account has one connection, driven by one actor, one message at a time.
 */
public final class SmtpConnection implements AutoCloseable {

  /** RFC 5321 section 3.8: the server is closing the session; it says nothing about the message or the account. */
  private static final int SERVICE_CLOSING = 421;
  /** Bounds the walk down a chain of causes, which nothing stops from looping. */
  private static final int MAX_CAUSES = 16;

  private final SmtpSettings settings;
  private final Session session;
  private TrackingTransport transport;
  private int connects;

  static {
    outreach.mail.MailRuntime.configure();
  }

  /**
   * Jakarta Mail sessions by their properties. A session holds no secret (the login is given when connecting)
   * and building one looks its providers up on the class path, so the accounts of one provider share one.
   */
  private static final ConcurrentHashMap<Properties, Session> SESSIONS = new ConcurrentHashMap<>();

  /** How often the write-timeout thread wakes when no write is late; shorter timeouts still fire on time. */
  static final Duration WRITE_TIMEOUT_TICK = Duration.ofSeconds(1);

  /** The name of the one thread that times out blocked writes of every session of this JVM. */
  static final String WRITE_TIMEOUT_THREAD = "smtp-write-timeout";

  /**
   * Arms the write timeout of every session. Without it Jakarta Mail starts a scheduler thread of its own for
   * each connection and wakes it on every write: with a connection per account, a node sending through 1,200
   * accounts ran 1,200 such threads, and waking them and switching to them took about an eighth of the
   * machine's CPU; the node's CPU per email fell from 0.84-1.04 ms to 0.59 ms with this thread. A write
   * schedules its timeout here and cancels it when it returns; a cancelled timeout leaves the queue at once.
   *
   * <p>The executor wakes its thread whenever a task is queued at the head of its queue, and a write's timeout
   * went there whenever the queue was empty, which it nearly always is: writes end within microseconds. That was
   * one wake-up per SMTP command, 15,000 a second on a busy node, and a few per cent of its CPU. A task that
   * does nothing, every {@link #WRITE_TIMEOUT_TICK}, keeps the head: a timeout longer than that never goes
   * there, so the thread sleeps through writes that end in time and wakes once a tick.
   */
  static final ScheduledThreadPoolExecutor WRITE_TIMEOUTS = writeTimeouts();

  private static ScheduledThreadPoolExecutor writeTimeouts() {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(1, runnable -> {
          Thread t = new Thread(runnable, WRITE_TIMEOUT_THREAD);
          t.setDaemon(true);
          return t;
        });
    executor.setRemoveOnCancelPolicy(true);
    long tick = WRITE_TIMEOUT_TICK.toNanos();
    executor.scheduleAtFixedRate(() -> { }, tick, tick, TimeUnit.NANOSECONDS);
    return executor;
  }

  public SmtpConnection(SmtpSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.session = SESSIONS.computeIfAbsent(properties(settings), Session::getInstance);
  }

  /** The Jakarta Mail session properties for these settings. */
  static Properties properties(SmtpSettings settings) {
    Properties p = new Properties();
    p.setProperty("mail.smtp.connectiontimeout", millis(settings.connectTimeout()));
    p.setProperty("mail.smtp.timeout", millis(settings.readTimeout()));
    p.setProperty("mail.smtp.writetimeout", millis(settings.readTimeout()));
    p.put("mail.smtp.executor.writetimeout", WRITE_TIMEOUTS);
    p.setProperty("mail.smtp.auth", String.valueOf(settings.username().isPresent()));
    // Closing must not wait on a server that may have gone away.
    p.setProperty("mail.smtp.quitwait", "false");
    settings.localHostName().ifPresent(name -> p.setProperty("mail.smtp.localhost", name));
    switch (settings.security()) {
      case STARTTLS -> {
        p.setProperty("mail.smtp.starttls.enable", "true");
        p.setProperty("mail.smtp.starttls.required", "true");
      }
      case TLS -> p.setProperty("mail.smtp.ssl.enable", "true");
      case NONE -> { }
    }
    if (settings.security() != TransportSecurity.NONE) {
      p.setProperty("mail.smtp.ssl.checkserveridentity", String.valueOf(!settings.trustAllCertificates()));
      if (settings.trustAllCertificates()) p.setProperty("mail.smtp.ssl.trust", "*");
    }
    return p;
  }

  private static String millis(Duration duration) {
    return String.valueOf(duration.toMillis());
  }

  /** Opens and logs in to the session unless it is open: SUCCESS, or what prevented it. */
  public ProbeResult connect() {
    if (isOpen()) return new ProbeResult(SmtpReplyClass.SUCCESS, Optional.empty(), "session already open");
    TrackingTransport fresh = new TrackingTransport(session);
    try {
      fresh.connect(
          settings.host(),
          settings.port(),
          settings.username().orElse(null),
          settings.username().isPresent() ? settings.password() : null);
    } catch (MessagingException e) {
      return connectFailure(e, fresh);
    }
    transport = fresh;
    connects++;
    Optional<SmtpReply> reply = SmtpReply.parse(fresh.getLastServerResponse());
    return new ProbeResult(SmtpReplyClass.SUCCESS, reply, reply.map(SmtpReply::toString).orElse("connected"));
  }

  /**
   * Sends one message to one recipient, connecting first if needed. The envelope sender is set on the message
   * (an {@link SMTPMessage}, such as {@code MessageComposer} builds, is used as it is; any other message is
   * copied into one, keeping its headers). Throws only for arguments that could never be sent: an address that
   * is not one.
   */
  public SendResult send(MimeMessage message, String envelopeFrom, String recipient) {
    Objects.requireNonNull(message, "message");
    requireAddress("envelope sender", envelopeFrom);
    requireAddress("recipient", recipient);
    SMTPMessage smtpMessage = withEnvelopeFrom(message, envelopeFrom);
    Address[] to = {internetAddress(recipient)};
    boolean reused = isOpen();
    Attempt attempt = attempt(smtpMessage, to);
    if (reused && attempt.sessionDroppedBeforeData()) {
      // Servers close sessions that sit idle. Nothing of this message went out, so one more try is safe.
      attempt = attempt(smtpMessage, to);
    }
    return attempt.result();
  }

  /** An authenticated session check: connects if needed and issues NOOP. */
  public ProbeResult probe() {
    boolean reused = isOpen();
    ProbeResult result = noop();
    if (reused && droppedSession(result.replyClass(), result.reply())) result = noop();
    return result;
  }

  /** Ends the session (QUIT without waiting for the reply); a later send or probe opens a new one. */
  @Override
  public void close() {
    if (transport == null) return;
    try {
      transport.close();
    } catch (MessagingException e) {
      // The socket is closed either way; a failed QUIT changes nothing for the caller.
    } finally {
      transport = null;
    }
  }

  /** Whether a session is open as far as this side knows; a server may have dropped it since. */
  public boolean isOpen() {
    return transport != null && transport.open;
  }

  /** How many sessions have been opened (first connect and every reconnect), for tests and metrics. */
  public int connects() {
    return connects;
  }

  private record Attempt(SendResult result, boolean sessionDroppedBeforeData) {}

  private Attempt attempt(SMTPMessage message, Address[] to) {
    if (!isOpen()) {
      ProbeResult opened = connect();
      if (!opened.healthy()) {
        return new Attempt(new SendResult(opened.replyClass(), opened.reply(), opened.detail(), false), false);
      }
    }
    TrackingTransport t = transport;
    t.dataStarted = false;
    try {
      t.sendMessage(message, to);
      String response = t.getLastServerResponse();
      Optional<SmtpReply> reply = SmtpReply.parse(response);
      return new Attempt(
          new SendResult(
              SmtpReplyClass.SUCCESS, reply, reply.map(SmtpReply::toString).orElse(oneLine(response)), false),
          false);
    } catch (MessagingException e) {
      boolean beforeData = !t.dataStarted;
      SendResult result =
          replyIn(e)
              .map(r -> new SendResult(SmtpReplyClassifier.classify(r), Optional.of(r), r.toString(), false))
              .orElseGet(() -> new SendResult(SmtpReplyClass.CONNECTION, Optional.empty(), describe(e), !beforeData));
      boolean dropped = droppedSession(result.replyClass(), result.reply());
      if (dropped) close();
      return new Attempt(result, dropped && beforeData && staleSession(result.reply()));
    }
  }

  private ProbeResult noop() {
    if (!isOpen()) {
      ProbeResult opened = connect();
      if (!opened.healthy()) return opened;
    }
    TrackingTransport t = transport;
    try {
      int code = t.simpleCommand("NOOP");
      Optional<SmtpReply> reply =
          code >= 200 && code <= 599 ? SmtpReply.parse(t.getLastServerResponse()) : Optional.empty();
      ProbeResult result =
          reply
              .map(r -> new ProbeResult(SmtpReplyClassifier.classify(r), Optional.of(r), r.toString()))
              .orElseGet(() -> new ProbeResult(SmtpReplyClass.CONNECTION, Optional.empty(), "no reply to NOOP"));
      if (droppedSession(result.replyClass(), result.reply())) close();
      return result;
    } catch (MessagingException e) {
      close();
      return new ProbeResult(SmtpReplyClass.CONNECTION, Optional.empty(), describe(e));
    }
  }

  /**
   * Whether a dropped session was merely stale (broken without a reply, or closed as idle: 421 with
   * 4.4.x or a timeout), so trying once more on a new one is right. A throttling 421 (4.7.x, "try
   * later") is an answer about us: another try would only add to the pressure.
   */
  private static boolean staleSession(Optional<SmtpReply> reply) {
    return reply
        .map(r -> r.enhanced().map(e -> e.startsWith("4.4.")).orElse(false) || IDLE.matcher(r.text()).find())
        .orElse(true);
  }

  private static final java.util.regex.Pattern IDLE =
      java.util.regex.Pattern.compile("(?i)time-?out|timed out|idle|inactivity");

  /** A session that broke without a reply, or that the server announced it is closing. */
  private static boolean droppedSession(SmtpReplyClass replyClass, Optional<SmtpReply> reply) {
    return replyClass == SmtpReplyClass.CONNECTION || reply.map(r -> r.code() == SERVICE_CLOSING).orElse(false);
  }

  private ProbeResult connectFailure(MessagingException e, SMTPTransport t) {
    if (e instanceof AuthenticationFailedException) {
      Optional<SmtpReply> reply = SmtpReply.parse(e.getMessage());
      if (reply.isEmpty() && (hasIoCause(e) || t.getLastReturnCode() < 0)) {
        // The connection broke during AUTH: that says nothing about the credentials.
        return new ProbeResult(SmtpReplyClass.CONNECTION, reply, "connection lost during login: " + describe(e));
      }
      // A 421 closes the session whatever the command was; every other refusal of AUTH is about the login.
      SmtpReplyClass replyClass =
          reply
              .filter(r -> r.code() == SERVICE_CLOSING)
              .map(SmtpReplyClassifier::classify)
              .orElse(SmtpReplyClass.AUTHENTICATION);
      String detail = "login refused: " + reply.map(SmtpReply::toString).orElse(describe(e));
      return new ProbeResult(replyClass, reply, detail);
    }
    // The greeting, EHLO or STARTTLS was answered with a refusal.
    if (t.getLastReturnCode() >= 400) {
      Optional<SmtpReply> reply = SmtpReply.parse(t.getLastServerResponse());
      if (reply.isPresent()) {
        return new ProbeResult(SmtpReplyClassifier.classify(reply.get()), reply, "session refused: " + reply.get());
      }
    }
    String where = settings.host() + ":" + settings.port();
    return new ProbeResult(
        SmtpReplyClass.CONNECTION, Optional.empty(), "cannot open a session with " + where + ": " + describe(e));
  }

  /** The server's reply carried by the exceptions Angus throws for refused commands, when there was one. */
  private static Optional<SmtpReply> replyIn(MessagingException e) {
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
      int code;
      if (t instanceof SMTPAddressFailedException f) code = f.getReturnCode();
      else if (t instanceof SMTPSenderFailedException f) code = f.getReturnCode();
      else if (t instanceof SMTPSendFailedException f) code = f.getReturnCode();
      else continue;
      // Angus reports an end of stream as code -1 with "[EOF]": no reply at all.
      if (code >= 400 && code <= 599) {
        int replyCode = code;
        String text = t.getMessage();
        return Optional.of(SmtpReply.parse(text).orElseGet(() -> new SmtpReply(replyCode, Optional.empty(), text)));
      }
    }
    return Optional.empty();
  }

  private static boolean hasIoCause(Throwable e) {
    Throwable t = e;
    for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
      if (t instanceof IOException) return true;
    }
    return false;
  }

  /** The exception's message and its root cause, on one line: for logs and events. */
  private static String describe(Throwable e) {
    Throwable root = e;
    for (int i = 0; root.getCause() != null && i < MAX_CAUSES; i++) root = root.getCause();
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (root != e) {
      String rootText = root.getMessage() == null ? "" : ": " + root.getMessage();
      text += " (" + root.getClass().getSimpleName() + rootText + ")";
    }
    return oneLine(text);
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static void requireAddress(String what, String address) {
    EmailAddresses.problem(address).ifPresent(p -> {
      throw new IllegalArgumentException(what + ": " + p);
    });
  }

  private static InternetAddress internetAddress(String address) {
    try {
      return new InternetAddress(address, true);
    } catch (AddressException e) {
      throw new IllegalArgumentException("recipient: " + e.getMessage(), e);
    }
  }

  private static SMTPMessage withEnvelopeFrom(MimeMessage message, String envelopeFrom) {
    try {
      SMTPMessage smtpMessage = message instanceof SMTPMessage m ? m : new SMTPMessage(message);
      smtpMessage.setEnvelopeFrom(envelopeFrom);
      return smtpMessage;
    } catch (MessagingException e) {
      throw new IllegalArgumentException("the message cannot be written: " + e.getMessage(), e);
    }
  }

  /**
   * Notes when the server accepted DATA, after which a broken connection leaves the outcome unknown, and
   * mirrors whether Jakarta Mail still counts the session as connected, without the NOOP that
   * {@link SMTPTransport#isConnected()} sends each time it is asked.
   */
  private static final class TrackingTransport extends SMTPTransport {
    private boolean dataStarted;
    private boolean open;

    TrackingTransport(Session session) {
      super(session, new URLName("smtp", null, -1, null, null, null));
    }

    @Override
    protected OutputStream data() throws MessagingException {
      OutputStream out = super.data();
      dataStarted = true;
      return out;
    }

    @Override
    protected synchronized void setConnected(boolean connected) {
      super.setConnected(connected);
      open = connected;
    }
  }
}
