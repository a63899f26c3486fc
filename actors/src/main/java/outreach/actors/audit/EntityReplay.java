package outreach.actors.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import outreach.actors.account.AccountPolicy;
import outreach.actors.account.SmtpAccount;
import outreach.actors.campaign.Campaign;
import outreach.actors.domain.DomainPolicy;
import outreach.actors.domain.DomainShares;
import outreach.actors.domain.RecipientDomain;
import outreach.actors.sending.SendingDomain;
import outreach.protocol.account.AccountEvent;
import outreach.protocol.account.AccountState;
import outreach.protocol.campaign.CampaignEvent;
import outreach.protocol.campaign.CampaignState;
import outreach.protocol.domain.DomainEvent;
import outreach.protocol.domain.DomainShare;
import outreach.protocol.domain.DomainShareEvent;
import outreach.protocol.domain.DomainState;
import outreach.protocol.sending.SendingDomainEvent;
import outreach.protocol.sending.SendingDomainState;

/** Replays journals with the entities' own event handlers (the same code that folds them in the cluster). */
public final class EntityReplay {

  private final AccountPolicy accountPolicy;
  private final DomainPolicy domainPolicy;

  public EntityReplay(AccountPolicy accountPolicy, DomainPolicy domainPolicy) {
    this.accountPolicy = accountPolicy;
    this.domainPolicy = domainPolicy;
  }

  public AccountState account(List<?> events) {
    AccountState state = new AccountState.Unregistered();
    for (Object e : events) state = SmtpAccount.apply(accountPolicy, state, (AccountEvent) e);
    return state;
  }

  public SendingDomainState sendingDomain(List<?> events) {
    SendingDomainState state = new SendingDomainState.Absent();
    for (Object e : events) state = SendingDomain.apply(state, (SendingDomainEvent) e);
    return state;
  }

  public CampaignState campaign(List<?> events) {
    CampaignState state = new CampaignState.Empty();
    for (Object e : events) state = Campaign.apply(state, (CampaignEvent) e);
    return state;
  }

  /** A recipient domain as the whole system sees it: every tenant's counts. */
  public DomainState recipientDomain(String domain, List<?> events) {
    DomainPolicy.Caps caps = domainPolicy.capsFor(domain);
    DomainState state = DomainState.EMPTY;
    for (Object e : events) state = RecipientDomain.apply(caps, state, (DomainEvent) e);
    return state;
  }

  /** A recipient domain's event as one tenant may see it; empty when it concerns other tenants only. */
  public Optional<DomainShareEvent> recipientDomainEvent(String tenantId, Object event) {
    return DomainShares.event(tenantId, (DomainEvent) event);
  }

  /** Whether a recipient domain's event records the tenant's own sends. */
  public boolean isOwnRecipientDomainEvent(String tenantId, Object event) {
    return DomainShares.isOwn(tenantId, (DomainEvent) event);
  }

  /** A recipient domain as one tenant may see it at {@code at}, after {@code events}. */
  public DomainShare recipientDomainShare(String tenantId, String domain, List<?> events, Instant at) {
    return DomainShares.state(tenantId, domain, domainPolicy.capsFor(domain), events.stream().map(DomainEvent.class::cast).toList(), at);
  }
}
