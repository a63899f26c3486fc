package outreach.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds a node's configuration: conf/application.conf, then what the mode and the environment add on top. */
final class NodeConfig {

  private NodeConfig() {}

  /** The base configuration with {@code overrides} on top, resolved against Akka's reference.conf files. */
  static Config load(Config overrides) {
    Config app = ConfigFactory.parseResourcesAnySyntax("application");
    Config merged = overrides.withFallback(app);
    return ConfigFactory.load(withContactPoints(merged));
  }

  /**
   * Turns {@code outreach.bootstrap.contact-points} (host:port,host:port) into the config-discovery
   * endpoints that cluster bootstrap reads, and the number of contact points it waits for.
   */
  static Config withContactPoints(Config config) {
    Config resolved = ConfigFactory.load(config);
    String text = resolved.getString("outreach.bootstrap.contact-points").trim();
    String selfHost = resolved.getString("akka.management.http.hostname");
    int selfPort = resolved.getInt("akka.management.http.port");
    List<Map<String, Object>> endpoints = new ArrayList<>();
    if (text.isEmpty()) {
      endpoints.add(Map.of("host", selfHost, "port", selfPort));
    } else {
      for (String part : text.split(",")) {
        String p = part.trim();
        int colon = p.lastIndexOf(':');
        if (colon <= 0 || colon == p.length() - 1) {
          throw new StartupException(
              "OUTREACH_CONTACT_POINTS entry '" + p + "' is not host:management-port");
        }
        int port;
        try {
          port = Integer.parseInt(p.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new StartupException("OUTREACH_CONTACT_POINTS entry '" + p + "' has no numeric port");
        }
        if (port < 1 || port > 65_535) {
          throw new StartupException("OUTREACH_CONTACT_POINTS entry '" + p + "' has a port out of range");
        }
        endpoints.add(Map.of("host", p.substring(0, colon), "port", port));
      }
    }
    int required = resolved.getInt("outreach.bootstrap.required-contact-points");
    if (required <= 0 || required > endpoints.size()) required = endpoints.size();
    return config
        .withValue("akka.discovery.config.services.outreach.endpoints", ConfigValueFactory.fromIterable(endpoints))
        .withValue(
            "akka.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr",
            ConfigValueFactory.fromAnyRef(required));
  }
}
