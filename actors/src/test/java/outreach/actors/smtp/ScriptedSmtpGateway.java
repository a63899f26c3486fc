package outreach.actors.smtp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import outreach.protocol.account.AccountSettings;
import outreach.protocol.delivery.DeliveryOutcome;
import outreach.protocol.delivery.OutcomeClass;
import outreach.protocol.delivery.RenderedMessage;

/** An SMTP server stand-in for entity tests: answers sends from a script (250 when the script is empty) and records what it got. */
public final class ScriptedSmtpGateway implements SmtpGateway {

  public static final DeliveryOutcome OK = DeliveryOutcome.success(250, "2.0.0 queued");

  private final ConcurrentLinkedDeque<DeliveryOutcome> script = new ConcurrentLinkedDeque<>();
  private final ConcurrentLinkedDeque<DeliveryOutcome> probes = new ConcurrentLinkedDeque<>();
  private final List<RenderedMessage> sent = Collections.synchronizedList(new ArrayList<>());
  private final List<String> passwords = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger opened = new AtomicInteger();

  public static DeliveryOutcome reply(OutcomeClass c, int code, String enhanced, String text) {
    return new DeliveryOutcome(c, code, Optional.ofNullable(enhanced), text, false);
  }

  public ScriptedSmtpGateway then(DeliveryOutcome... outcomes) {
    script.addAll(List.of(outcomes));
    return this;
  }

  public ScriptedSmtpGateway probesAnswer(DeliveryOutcome... outcomes) {
    probes.addAll(List.of(outcomes));
    return this;
  }

  public List<RenderedMessage> sent() {
    return List.copyOf(sent);
  }

  public List<String> passwords() {
    return List.copyOf(passwords);
  }

  public int opened() {
    return opened.get();
  }

  @Override
  public Session open(AccountSettings settings, String password) {
    opened.incrementAndGet();
    passwords.add(password);
    return new Session() {
      @Override
      public DeliveryOutcome send(RenderedMessage message) {
        sent.add(message);
        DeliveryOutcome next = script.poll();
        return next == null ? OK : next;
      }

      @Override
      public DeliveryOutcome probe() {
        DeliveryOutcome next = probes.poll();
        return next == null ? OK : next;
      }

      @Override
      public void close() {}
    };
  }
}
