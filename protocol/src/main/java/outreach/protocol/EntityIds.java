package outreach.protocol;

import java.util.regex.Pattern;

/** Entity ids carry their tenant: {@code <tenant>|<id>}; local ids are restricted so the separator can never appear in one. */
public final class EntityIds {

  /** Letters, digits, dot, dash and underscore, 1 to 64 characters. */
  public static final Pattern LOCAL_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private static final char SEPARATOR = '|';

  private EntityIds() {}

  public static boolean isValidLocalId(String id) {
    return id != null && LOCAL_ID.matcher(id).matches();
  }

  /** The sharding entity id for a tenant's object. */
  public static String of(String tenantId, String localId) {
    if (!isValidLocalId(tenantId) || !isValidLocalId(localId)) {
      throw new IllegalArgumentException("invalid id: " + tenantId + SEPARATOR + localId);
    }
    return tenantId + SEPARATOR + localId;
  }

  public static String tenantOf(String entityId) {
    int i = entityId.indexOf(SEPARATOR);
    if (i <= 0) throw new IllegalArgumentException("not a tenant-scoped entity id: " + entityId);
    return entityId.substring(0, i);
  }

  public static String localIdOf(String entityId) {
    int i = entityId.indexOf(SEPARATOR);
    if (i <= 0) throw new IllegalArgumentException("not a tenant-scoped entity id: " + entityId);
    return entityId.substring(i + 1);
  }
}
