package outreach.persistence.campaign;

import java.util.List;

/**
 * What one recipient upload did: rows {@code accepted} (written), the first rejected rows with why,
 * how many were rejected in all, skipped as {@code duplicates} (in the file or already in the
 * campaign) or as {@code suppressed} (on the tenant's suppression list), and the campaign's highest
 * recipient sequence number afterwards. {@code roleAddresses} counts the rows whose address has a
 * role local part (see {@link ImportLimits}), whether they were rejected for it or imported.
 */
public record ImportReport(
    int accepted,
    List<Rejected> rejected,
    int rejectedTotal,
    int duplicates,
    int suppressed,
    int roleAddresses,
    long lastSeq) {

  public ImportReport {
    rejected = List.copyOf(rejected);
  }

  /**
   * A row that was not imported. {@code line} is the CSV record number, the header being line 1
   * (a quoted line break does not start a new record; blank lines are not records).
   */
  public record Rejected(int line, String email, String reason) {}
}
