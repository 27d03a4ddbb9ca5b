package io.agentbus.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one place every channel address is built (HERON's {@code ChannelManager}, namespaced).
 *
 * <p>All ids are validated; an invalid one throws {@link InvalidIdException} naming it.
 *
 * <pre>{@code
 * Channels channels = Channels.create("default", ChannelRegistry.create());
 * Channel a = channels.action("coordinator_1", "field_1", "env_0");
 * // a.address() == "default/env/env_0/action/coordinator_1/field_1"
 * }</pre>
 */
public final class Channels {

  /** The namespace used when none is configured. */
  public static final String DEFAULT_NAMESPACE = "default";

  private final String namespace;
  private final ChannelRegistry registry;

  private Channels(String namespace, ChannelRegistry registry) {
    this.namespace = Ids.check("namespace", namespace);
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * @param namespace the cluster namespace, isolating deployments that share a cluster
   * @param registry the custom channel kinds
   * @return a channel factory
   */
  public static Channels create(String namespace, ChannelRegistry registry) {
    return new Channels(namespace, registry);
  }

  /** @return a factory in the {@link #DEFAULT_NAMESPACE} with an empty registry */
  public static Channels create() {
    return create(DEFAULT_NAMESPACE, ChannelRegistry.create());
  }

  /** @return the namespace */
  public String namespace() {
    return namespace;
  }

  /** @return the custom kinds registry */
  public ChannelRegistry registry() {
    return registry;
  }

  /** Parent to child: {@code <ns>/env/<env>/action/<upstreamId>/<nodeId>}. */
  public Channel action(String upstreamId, String nodeId, String envId) {
    return Channel.of(namespace, envId, ChannelKind.ACTION, upstreamId, nodeId);
  }

  /** Child to parent: {@code <ns>/env/<env>/info/<nodeId>/<upstreamId>}. */
  public Channel info(String nodeId, String upstreamId, String envId) {
    return Channel.of(namespace, envId, ChannelKind.INFO, nodeId, upstreamId);
  }

  /** An agent's broadcasts: {@code <ns>/env/<env>/broadcast/<agentId>}. */
  public Channel broadcast(String agentId, String envId) {
    return Channel.of(namespace, envId, ChannelKind.BROADCAST, agentId);
  }

  /**
   * An agent's inbox for messages from its peers, HERON's horizontal protocols (a microgrid's P2P
   * offer to another, and the accept back): {@code <ns>/env/<env>/peer/<agentId>}. The sender is
   * the message's sender id; the recipient creates the channel, so its mailbox lives with it.
   */
  public Channel peer(String agentId, String envId) {
    return Channel.of(namespace, envId, ChannelKind.PEER, agentId);
  }

  /** Environment-wide state updates: {@code <ns>/env/<env>/state_updates}. */
  public Channel stateUpdates(String envId) {
    return Channel.of(namespace, envId, ChannelKind.STATE_UPDATES);
  }

  /** Results for an agent: {@code <ns>/env/<env>/results/<agentId>}. */
  public Channel results(String envId, String agentId) {
    return Channel.of(namespace, envId, ChannelKind.RESULTS, agentId);
  }

  /**
   * A domain channel: {@code <ns>/env/<env>/<kind>/<agentId>}.
   *
   * @throws IllegalArgumentException if {@code kind} is not registered in the {@link ChannelRegistry}
   */
  public Channel custom(String kind, String envId, String agentId) {
    if (!registry.isRegistered(kind)) {
      throw new IllegalArgumentException("channel kind '" + kind
          + "' is not registered; call ChannelRegistry.register(\"" + kind + "\", description) first");
    }
    return Channel.of(namespace, envId, kind, agentId);
  }

  /**
   * Every channel one agent of a hierarchy uses.
   *
   * <p>It subscribes to the actions from its upstream, the upstream's broadcasts and the info of
   * each subordinate; it publishes info to its upstream, actions to each subordinate and its own
   * broadcasts.
   *
   * @param agentId the agent
   * @param upstreamId its parent, or null at the top of the hierarchy
   * @param subordinateIds its children (may be empty)
   * @param envId the environment
   * @return the channels to subscribe to and to publish on
   */
  public AgentChannels agentChannels(String agentId, String upstreamId, List<String> subordinateIds,
                                     String envId) {
    List<Channel> subscribe = new ArrayList<>();
    List<Channel> publish = new ArrayList<>();
    if (upstreamId != null) {
      subscribe.add(action(upstreamId, agentId, envId));
      subscribe.add(broadcast(upstreamId, envId));
      publish.add(info(agentId, upstreamId, envId));
    }
    for (String sub : subordinateIds) {
      publish.add(action(agentId, sub, envId));
      subscribe.add(info(sub, agentId, envId));
    }
    publish.add(broadcast(agentId, envId));
    return new AgentChannels(subscribe, publish);
  }

  /**
   * The channels of one agent.
   *
   * @param subscribe the channels it receives on
   * @param publish the channels it sends on
   */
  public record AgentChannels(List<Channel> subscribe, List<Channel> publish) {
    /** Copies both lists. */
    public AgentChannels {
      subscribe = List.copyOf(subscribe);
      publish = List.copyOf(publish);
    }
  }
}
