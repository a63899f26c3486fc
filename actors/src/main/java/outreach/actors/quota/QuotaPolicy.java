package outreach.actors.quota;

import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import outreach.protocol.EntityIds;
import outreach.protocol.RateLimit;
import outreach.protocol.quota.QuotaKeys;

/**
 * The quotas above accounts and domains: the system-wide limit ({@code outreach.global-limit}) and
 * optional limits per tenant ({@code outreach.tenant-limits}: a default and overrides by tenant id).
 * Each is one Quota entity; a quota that is "off" is not asked at all.
 */
public record QuotaPolicy(Optional<List<RateLimit>> global, Optional<List<RateLimit>> tenantDefault, Map<String, List<RateLimit>> tenants) {

  public static final QuotaPolicy NONE = new QuotaPolicy(Optional.empty(), Optional.empty(), Map.of());

  public QuotaPolicy {
    tenants = Map.copyOf(tenants);
  }

  /** The limits of a tenant's quota, if it has any. */
  public Optional<List<RateLimit>> forTenant(String tenantId) {
    List<RateLimit> own = tenants.get(tenantId);
    return own != null ? (own.isEmpty() ? Optional.empty() : Optional.of(own)) : tenantDefault;
  }

  /** The entity id of a tenant's quota. */
  public static String tenantQuotaId(String tenantId) {
    return EntityIds.of(tenantId, "quota");
  }

  /** The limits of the quota entity with this id. */
  List<RateLimit> limitsOf(String entityId) {
    if (entityId.equals(QuotaKeys.GLOBAL)) return global.orElse(List.of());
    return forTenant(EntityIds.tenantOf(entityId)).orElse(List.of());
  }

  public static QuotaPolicy fromConfig(Config config) {
    Map<String, List<RateLimit>> tenants = new HashMap<>();
    Config overrides = config.getConfig("outreach.tenant-limits.overrides");
    for (String tenant : overrides.root().keySet()) {
      tenants.put(tenant, parse(overrides.getString("\"" + tenant + "\""), "outreach.tenant-limits.overrides." + tenant).orElse(List.of()));
    }
    return new QuotaPolicy(
        parse(config.getString("outreach.global-limit"), "OUTREACH_GLOBAL_LIMIT"),
        parse(config.getString("outreach.tenant-limits.default"), "OUTREACH_TENANT_LIMIT"),
        tenants);
  }

  /** "off", or comma-separated limits such as "100/1m" or "1000/1h,5000/1d". */
  static Optional<List<RateLimit>> parse(String text, String setting) {
    String t = text.trim();
    if (t.equalsIgnoreCase("off") || t.isEmpty()) return Optional.empty();
    try {
      return Optional.of(Arrays.stream(t.split(",")).map(String::trim).map(RateLimit::parse).toList());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
    }
  }
}
