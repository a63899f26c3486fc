package outreach.protocol.account;

/** Warm-up of a new account: {@code startPerDay} on its first day, {@code stepPerDay} more each day after. */
public record WarmUp(boolean enabled, int startPerDay, int stepPerDay) {

  public static final WarmUp DEFAULT = new WarmUp(true, 50, 50);

  public WarmUp {
    if (startPerDay < 1) throw new IllegalArgumentException("warmUp.startPerDay must be at least 1");
    if (stepPerDay < 0) throw new IllegalArgumentException("warmUp.stepPerDay must not be negative");
  }
}
