package outreach.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Schema migrations and the tenant store on a real PostgreSQL. */
class DatabaseIT {

  private static EmbeddedDatabase postgres;
  private static Database database;
  private static ExecutorService executor;
  private static TenantStore tenants;

  @BeforeAll
  static void start() {
    postgres = EmbeddedDatabase.startTemporary();
    Database.migrate(postgres.settings(2));
    database = Database.open(postgres.settings(2), "test");
    executor = Executors.newFixedThreadPool(2);
    tenants = new TenantStore(database.dataSource(), executor, Clock.fixed(Instant.parse("2026-05-01T10:00:00.123456789Z"), ZoneOffset.UTC));
  }

  @AfterAll
  static void stop() {
    executor.shutdownNow();
    database.close();
    postgres.close();
  }

  @Test
  void migratingAgainChangesNothing() {
    MigrateResult again = Database.migrate(postgres.settings(2));
    assertThat(again.migrationsExecuted).isZero();
    assertThat(again.success).isTrue();
  }

  @Test
  void createsTheJournalProjectionAndReadTables() throws Exception {
    Set<String> tables = new HashSet<>();
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
      while (rs.next()) tables.add(rs.getString(1));
      c.commit();
    }
    assertThat(tables).contains(
        "event_journal", "event_tag", "snapshot", "durable_state",
        "akka_projection_offset_store", "akka_projection_management",
        "tenant", "api_key", "account_view");
  }

  @Test
  void tagRowsAreKeyedInTheOrderProjectionsReadThemWithoutAForeignKeyToTheJournal() throws Exception {
    Set<String> indexes = new HashSet<>();
    Set<String> foreignKeys = new HashSet<>();
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT indexdef FROM pg_indexes WHERE tablename = 'event_tag'")) {
        while (rs.next()) indexes.add(rs.getString(1));
      }
      try (ResultSet rs = s.executeQuery(
          "SELECT conname FROM pg_constraint WHERE conrelid = 'event_tag'::regclass AND contype = 'f'")) {
        while (rs.next()) foreignKeys.add(rs.getString(1));
      }
      c.commit();
    }
    assertThat(indexes).containsExactly("CREATE UNIQUE INDEX event_tag_pkey ON public.event_tag USING btree (tag, event_id)");
    assertThat(foreignKeys).isEmpty();
  }

  @Test
  void unreachableDatabaseIsNamedInOneLine() {
    DatabaseSettings nowhere = new DatabaseSettings("jdbc:postgresql://127.0.0.1:1/none", "u", "p", 1);
    assertThatThrownBy(() -> Database.migrate(nowhere))
        .isInstanceOf(Database.DatabaseUnavailableException.class)
        .hasMessageStartingWith("database jdbc:postgresql://127.0.0.1:1/none is not usable:")
        .hasMessageNotContaining("\n");
  }

  @Test
  void apiKeyAuthenticatesItsTenantOnly() {
    TenantStore.CreatedTenant a = tenants.create("A").toCompletableFuture().join();
    TenantStore.CreatedTenant b = tenants.create("B").toCompletableFuture().join();
    assertThat(a.tenant().id()).isNotEqualTo(b.tenant().id());
    assertThat(a.tenant().createdAt()).isEqualTo(Instant.parse("2026-05-01T10:00:00.123456Z"));
    assertThat(tenants.authenticate(a.apiKey()).toCompletableFuture().join()).contains(a.tenant());
    assertThat(tenants.authenticate(b.apiKey()).toCompletableFuture().join()).contains(b.tenant());
    assertThat(tenants.find(a.tenant().id()).toCompletableFuture().join()).contains(a.tenant());
  }

  @Test
  void alteredOrUnknownKeysAreRefused() {
    String key = tenants.create("C").toCompletableFuture().join().apiKey();
    char last = key.charAt(key.length() - 1);
    String altered = key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');
    assertThat(tenants.authenticate(altered).toCompletableFuture().join()).isEmpty();
    assertThat(tenants.authenticate("ok_0123456789abcdef_" + key.substring(key.length() - 43)).toCompletableFuture().join()).isEmpty();
    assertThat(tenants.authenticate("").toCompletableFuture().join()).isEmpty();
    assertThat(tenants.authenticate(null).toCompletableFuture().join()).isEmpty();
  }

  @Test
  void revokedKeysAreRefused() throws Exception {
    TenantStore.CreatedTenant d = tenants.create("D").toCompletableFuture().join();
    String keyId = ApiKeys.parse(d.apiKey()).orElseThrow().keyId();
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE api_key SET revoked_at = now() WHERE key_id = '" + keyId + "'");
      c.commit();
    }
    assertThat(tenants.authenticate(d.apiKey()).toCompletableFuture().join()).isEqualTo(Optional.empty());
  }
}
