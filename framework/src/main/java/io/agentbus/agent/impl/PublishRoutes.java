package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.Subscription;
import io.agentbus.agent.TopicId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a publish goes: the agents whose subscriptions match its topic (never its sender), split
 * into those this node owns and, per other node, those that node owns. A route is computed once
 * per topic and sender and kept while the subscriptions and the placement stay as they were (the
 * subscription list is replaced, and {@link Ownership#epoch()} moves, on every change), so a
 * stream of publishes to one topic matches subscriptions and places agents once, not per message.
 *
 * <p>Topics may come from outside (the bridge, HTTP): at most {@value #MAX_ROUTES} routes are kept,
 * and the table starts again when it is full. Threads: any.
 */
final class PublishRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(PublishRoutes.class);
  static final int MAX_ROUTES = 4_096;

  /** The agents of one other node a publish goes to, and that node's inbox. */
  record Remote(String inbox, List<AgentId> agents) {
  }

  /**
   * Where a publish on one topic from one sender goes; {@code keepable} is false when an agent had
   * no live host (the route is then not kept).
   */
  record Route(List<Subscription> subscriptions, long epoch, List<AgentId> local, List<Remote> remote, boolean keepable) {
  }

  private record Key(TopicId topic, AgentId sender) {
  }

  private final String me;
  private final RuntimeAddresses addresses;
  private final Directory directory;
  private final Ownership ownership;
  private final Map<Key, Route> routes = new ConcurrentHashMap<>();

  PublishRoutes(String me, RuntimeAddresses addresses, Directory directory, Ownership ownership) {
    this.me = me;
    this.addresses = addresses;
    this.directory = directory;
    this.ownership = ownership;
  }

  /** @return where a publish on {@code topic} from {@code sender} (or null) goes now */
  Route route(TopicId topic, AgentId sender) {
    Key key = new Key(topic, sender);
    List<Subscription> subs = directory.subscriptions();
    long epoch = ownership.epoch();  // read before computing: a change while computing makes it stale at once
    Route cached = routes.get(key);
    if (cached != null && cached.subscriptions() == subs && cached.epoch() == epoch) {
      return cached;
    }
    Route fresh = compute(topic, sender, subs, epoch);
    if (!fresh.keepable()) {  // an agent nobody may host now: not kept, so that it is placed once a host appears
      return fresh;
    }
    if (routes.size() >= MAX_ROUTES) {
      routes.clear();
    }
    routes.put(key, fresh);
    return fresh;
  }

  private Route compute(TopicId topic, AgentId sender, List<Subscription> subs, long epoch) {
    Set<AgentId> recipients = new LinkedHashSet<>();
    for (Subscription s : subs) {
      if (s.matches(topic)) {
        AgentId id = s.mapToAgent(topic);
        if (!id.equals(sender)) {
          recipients.add(id);
        }
      }
    }
    List<AgentId> local = new ArrayList<>();
    Map<String, List<AgentId>> remote = new LinkedHashMap<>();
    boolean keepable = true;
    for (AgentId id : recipients) {
      String owner = ownership.owner(id);
      if (owner == null) {
        keepable = false;
        LOG.debug("a publish on {} has no live host for {}", topic, id);
      } else if (owner.equals(me)) {
        local.add(id);
      } else {
        remote.computeIfAbsent(owner, o -> new ArrayList<>()).add(id);
      }
    }
    List<Remote> remotes = new ArrayList<>(remote.size());
    remote.forEach((node, agents) -> remotes.add(new Remote(addresses.inbox(node), List.copyOf(agents))));
    return new Route(subs, epoch, List.copyOf(local), List.copyOf(remotes), keepable);
  }
}
