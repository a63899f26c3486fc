package outreach.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import akka.dispatch.ThreadPoolConfig;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import outreach.mail.secret.SecretCipher;

class NodeConfigTest {

  private static Config load(String overrides) {
    return NodeConfig.load(ConfigFactory.parseString(overrides));
  }

  @Test
  void contactPointsBecomeDiscoveryEndpointsAndTheRequiredCount() {
    Config c = load("outreach.bootstrap.contact-points = \"127.0.0.1:8558, 127.0.0.1:8559,10.0.0.3:8560\"");
    List<? extends Config> endpoints = c.getConfigList("akka.discovery.config.services.outreach.endpoints");
    assertThat(endpoints).extracting(e -> e.getString("host") + ":" + e.getInt("port"))
        .containsExactly("127.0.0.1:8558", "127.0.0.1:8559", "10.0.0.3:8560");
    assertThat(c.getInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr")).isEqualTo(3);
    assertThat(c.getString("akka.management.cluster.bootstrap.contact-point-discovery.port-name")).isEqualTo("management");
  }

  @Test
  void withoutContactPointsANodeBootstrapsAlone() {
    Config c = load("akka.management.http.port = 9558");
    assertThat(c.getConfigList("akka.discovery.config.services.outreach.endpoints"))
        .extracting(e -> e.getString("host") + ":" + e.getInt("port"))
        .containsExactly("127.0.0.1:9558");
    assertThat(c.getInt("akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr")).isEqualTo(1);
  }

  @Test
  void badContactPointsAreNamed() {
    assertThatThrownBy(() -> load("outreach.bootstrap.contact-points = \"node1\""))
        .isInstanceOf(StartupException.class).hasMessageContaining("'node1'");
    assertThatThrownBy(() -> load("outreach.bootstrap.contact-points = \"node1:abc\""))
        .isInstanceOf(StartupException.class).hasMessageContaining("numeric port");
  }

  @Test
  void journalUsesTheOutreachDatabaseAndCbor() {
    Config c = load("outreach.db.url = \"jdbc:postgresql://db:5432/x\"");
    assertThat(c.getString("akka-persistence-jdbc.shared-databases.default.db.url")).isEqualTo("jdbc:postgresql://db:5432/x");
    assertThat(c.getString("akka.actor.serialization-bindings.\"outreach.protocol.CborSerializable\"")).isEqualTo("jackson-cbor");
    assertThat(c.getString("akka.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-majority");
  }

  @Test
  void theJournalWritesItsBatchesAsOneInsertAndReadsTagsThroughTheBoundedPoll() {
    Config c = load("");
    assertThat(c.getString("jdbc-journal.dao")).isEqualTo("outreach.persistence.BatchedJournalDao");
    assertThat(c.getString("jdbc-read-journal.dao")).isEqualTo("outreach.persistence.TagBoundedReadJournalDao");
  }

  @Test
  void theDefaultDispatcherHasAThreadPerCoreAndAtLeastTwo() {
    Config fj = load("").getConfig("akka.actor.default-dispatcher.fork-join-executor");
    int threads = ThreadPoolConfig.scaledPoolSize(
        fj.getInt("parallelism-min"), fj.getDouble("parallelism-factor"), fj.getInt("parallelism-max"));
    assertThat(threads).isEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  @Test
  void secretsAreRequired() {
    assertThatThrownBy(() -> Secrets.fromConfig(load("outreach.security.admin-token = \"0123456789abcdef\"")))
        .isInstanceOf(StartupException.class).hasMessageContaining("OUTREACH_MASTER_KEY");
    String key = SecretCipher.generateKey();
    assertThatThrownBy(() -> Secrets.fromConfig(load("outreach.security.master-key = \"" + key + "\"")))
        .isInstanceOf(StartupException.class).hasMessageContaining("OUTREACH_ADMIN_TOKEN");
    assertThatThrownBy(() -> Secrets.fromConfig(load(
            "outreach.security.master-key = \"" + key + "\"\noutreach.security.admin-token = short")))
        .isInstanceOf(StartupException.class).hasMessageContaining("at least 16");
    assertThatThrownBy(() -> Secrets.fromConfig(load(
            "outreach.security.master-key = \"c2hvcnQ=\"\noutreach.security.admin-token = \"0123456789abcdef\"")))
        .isInstanceOf(StartupException.class).hasMessageContaining("32 bytes");
    Secrets ok = Secrets.fromConfig(load(
        "outreach.security.master-key = \"" + key + "\"\noutreach.security.admin-token = \"0123456789abcdef\""));
    assertThat(ok.adminToken()).isEqualTo("0123456789abcdef");
  }
}
