package outreach.app;

import com.typesafe.config.Config;
import java.util.Arrays;
import java.util.List;
import outreach.mail.secret.SecretCipher;

/** The master key ring and the admin token, checked at start-up. */
record Secrets(SecretCipher cipher, String adminToken) {

  static final int MIN_ADMIN_TOKEN = 16;

  static Secrets fromConfig(Config config) {
    String masterKey = config.getString("outreach.security.master-key");
    if (masterKey.isBlank()) {
      throw new StartupException("OUTREACH_MASTER_KEY is not set (base64 of 32 bytes: head -c32 /dev/urandom | base64)");
    }
    List<String> previous =
        Arrays.stream(config.getString("outreach.security.previous-master-keys").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    SecretCipher cipher;
    try {
      cipher = SecretCipher.fromBase64(masterKey, previous);
    } catch (SecretCipher.SecretException e) {
      throw new StartupException("OUTREACH_MASTER_KEY: " + e.getMessage());
    }
    String adminToken = config.getString("outreach.security.admin-token");
    if (adminToken.isBlank()) throw new StartupException("OUTREACH_ADMIN_TOKEN is not set");
    if (adminToken.length() < MIN_ADMIN_TOKEN) {
      throw new StartupException("OUTREACH_ADMIN_TOKEN must be at least " + MIN_ADMIN_TOKEN + " characters");
    }
    return new Secrets(cipher, adminToken);
  }
}
