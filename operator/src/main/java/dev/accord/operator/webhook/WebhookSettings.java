package dev.accord.operator.webhook;

import java.util.Map;

/**
 * Whether and where the operator process serves the webhook, from its environment.
 *
 * @param enabled whether to start the webhook
 * @param port the HTTPS port (0: any free port)
 * @param namespace the operator's namespace: where the CA Secret lives and the Service the
 *     certificate names
 * @param why when disabled, why (for the log line)
 */
public record WebhookSettings(boolean enabled, int port, String namespace, String why) {

  /**
   * Reads {@code ACCORD_WEBHOOK_PORT} (default {@value WebhookServer#DEFAULT_PORT}; {@code off}
   * disables the webhook) and {@code POD_NAMESPACE} (the operator's namespace; without it, as
   * outside a cluster, the webhook is off, since its certificate names the Service in that
   * namespace).
   *
   * @throws IllegalArgumentException naming the variable when it is malformed
   */
  public static WebhookSettings fromEnvironment(Map<String, String> env) {
    String value = env.getOrDefault("ACCORD_WEBHOOK_PORT", "").strip();
    if (value.equalsIgnoreCase("off")) {
      return new WebhookSettings(false, 0, null, "ACCORD_WEBHOOK_PORT=off");
    }
    int port = WebhookServer.DEFAULT_PORT;
    if (!value.isEmpty()) {
      try {
        port = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            "ACCORD_WEBHOOK_PORT must be a port number (0 to 65535) or off, got \"" + value + "\"");
      }
    }
    String namespace = env.getOrDefault("POD_NAMESPACE", "").strip();
    if (namespace.isEmpty()) {
      return new WebhookSettings(false, port, null, "POD_NAMESPACE is not set");
    }
    return new WebhookSettings(true, port, namespace, null);
  }
}
