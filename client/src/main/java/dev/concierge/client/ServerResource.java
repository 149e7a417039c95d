package dev.concierge.client;

import dev.concierge.protocol.model.Resource;
import dev.concierge.protocol.model.ResourceTemplate;

/** Resources and templates keep their URIs (they are addresses, not names); each is tagged with its server. */
public final class ServerResource {
  private ServerResource() {}

  /** A resource and the server that lists it. */
  public record Item(String server, Resource resource) {}

  /** A resource template and the server that lists it. */
  public record Template(String server, ResourceTemplate template) {}
}
