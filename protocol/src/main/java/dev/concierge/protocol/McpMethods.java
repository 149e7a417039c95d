package dev.concierge.protocol;

/** MCP method names, requests and notifications of every supported revision. */
public final class McpMethods {
  // Lifecycle (legacy era) and discovery (modern era).
  public static final String INITIALIZE = "initialize";
  public static final String INITIALIZED = "notifications/initialized";
  public static final String PING = "ping";
  public static final String SERVER_DISCOVER = "server/discover";

  // Server features.
  public static final String TOOLS_LIST = "tools/list";
  public static final String TOOLS_CALL = "tools/call";
  public static final String RESOURCES_LIST = "resources/list";
  public static final String RESOURCES_TEMPLATES_LIST = "resources/templates/list";
  public static final String RESOURCES_READ = "resources/read";
  public static final String RESOURCES_SUBSCRIBE = "resources/subscribe";
  public static final String RESOURCES_UNSUBSCRIBE = "resources/unsubscribe";
  public static final String PROMPTS_LIST = "prompts/list";
  public static final String PROMPTS_GET = "prompts/get";
  public static final String COMPLETION_COMPLETE = "completion/complete";
  public static final String LOGGING_SET_LEVEL = "logging/setLevel";
  public static final String SUBSCRIPTIONS_LISTEN = "subscriptions/listen";

  // Client features (server-to-client requests in the legacy era, input requests in the modern one).
  public static final String SAMPLING_CREATE_MESSAGE = "sampling/createMessage";
  public static final String ELICITATION_CREATE = "elicitation/create";
  public static final String ROOTS_LIST = "roots/list";

  // Notifications.
  public static final String NOTIFICATION_CANCELLED = "notifications/cancelled";
  public static final String NOTIFICATION_PROGRESS = "notifications/progress";
  public static final String NOTIFICATION_MESSAGE = "notifications/message";
  public static final String NOTIFICATION_TOOLS_LIST_CHANGED = "notifications/tools/list_changed";
  public static final String NOTIFICATION_PROMPTS_LIST_CHANGED = "notifications/prompts/list_changed";
  public static final String NOTIFICATION_RESOURCES_LIST_CHANGED = "notifications/resources/list_changed";
  public static final String NOTIFICATION_RESOURCES_UPDATED = "notifications/resources/updated";
  public static final String NOTIFICATION_ROOTS_LIST_CHANGED = "notifications/roots/list_changed";
  public static final String NOTIFICATION_ELICITATION_COMPLETE = "notifications/elicitation/complete";
  public static final String NOTIFICATION_SUBSCRIPTIONS_ACKNOWLEDGED = "notifications/subscriptions/acknowledged";

  private McpMethods() {}

  /** Requests on which a 2026-07-28 server may answer {@code input_required} (multi round-trip requests). */
  public static boolean supportsInputRequired(String method) {
    return TOOLS_CALL.equals(method) || PROMPTS_GET.equals(method) || RESOURCES_READ.equals(method);
  }

  /** Requests that only read state, so a transport may repeat them after a lost session without side effects. */
  public static boolean isSafeToRetry(String method) {
    return switch (method) {
      case TOOLS_LIST, RESOURCES_LIST, RESOURCES_TEMPLATES_LIST, RESOURCES_READ, PROMPTS_LIST, PROMPTS_GET,
          COMPLETION_COMPLETE, PING, SERVER_DISCOVER, RESOURCES_SUBSCRIBE, RESOURCES_UNSUBSCRIBE, LOGGING_SET_LEVEL ->
          true;
      default -> false;
    };
  }
}
