package outreach.protocol.campaign;

/**
 * Where a campaign's recipients are: {@code total} imported, {@code pending} not yet sent nor
 * finished (in flight and deferred included), and the finished ones by outcome. {@code duplicates}
 * counts sends that were re-sent after being cut off mid-transaction.
 */
public record CampaignCounts(
    int total, int pending, int inFlight, int sent, int deferred, int failed, int bounced, int suppressed, int duplicates) {}
