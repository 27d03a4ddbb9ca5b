package io.agentbus.heron;

import io.agentbus.channel.Channel;
import io.agentbus.message.Message;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

/**
 * HERON's proxy: wraps an actual agent so that it is stepped by messages instead of direct calls.
 * {@link #stepDistributed()} pulls what the upstream sent (its broadcasts and the actions addressed
 * to this agent), hands them to the actual agent ({@link PolicyAgent#actOn}), and sends the
 * resulting actions upstream as info messages. As a runtime agent (see {@link HeronAgent}) a proxy
 * is stepped by a message from its coordinator, wherever the cluster placed it.
 *
 * <pre>{@code
 * ProxyAgent proxy = new ProxyAgent("mg1_proxy", gridAgent, "system_operator", "env_0");
 * proxy.setMessageBroker(broker).await();
 * proxy.stepDistributed();
 * }</pre>
 */
public class ProxyAgent extends FieldAgent {

  private final PolicyAgent actual;
  private Set<String> seenBroadcasts = new HashSet<>();

  /**
   * @param agentId the proxy's id
   * @param actual the wrapped agent
   * @param upstreamId the agent it reports to
   * @param envId the environment
   */
  public ProxyAgent(String agentId, PolicyAgent actual, String upstreamId, String envId) {
    super(agentId, upstreamId, envId);
    this.actual = actual;
  }

  /**
   * One distributed step: every pending upstream broadcast and action goes to the actual agent,
   * each resulting action goes upstream.
   *
   * <p>Both channels are read at once. If reading the broadcasts fails (their mailbox's node just
   * left), the step fails and the actions read with them are not replayed: the coordinator's next
   * step sends its actions again, as the microgrid case study's operator does.
   *
   * @return the actions sent upstream, in order
   */
  public Future<List<JsonObject>> stepDistributed() {
    Channel broadcasts = broker().channels().broadcast(upstreamId(), envId());
    Channel actions = broker().channels().action(upstreamId(), agentId(), envId());
    // broadcasts are shared by every subordinate: read them without removing, skip those seen;
    // both channels are pulled at once (one round trip, not two, when their mailboxes are remote)
    Future<List<Message>> signalsRead = broker().consume(broadcasts, "all", envId(), false);
    Future<List<Message>> directRead = broker().consume(actions, agentId(), envId());
    return Future.all(signalsRead, directRead).compose(both -> {
          List<Message> signals = signalsRead.result();
          List<Message> direct = directRead.result();
          List<JsonObject> inputs = new ArrayList<>();
          Set<String> current = new HashSet<>();
          for (Message m : signals) {
            current.add(m.id());
            if (!seenBroadcasts.contains(m.id())) {
              inputs.add(m.payload());
            }
          }
          seenBroadcasts = current;
          direct.forEach(m -> inputs.add(observation(m)));
          List<JsonObject> out = List.copyOf(actual.actOn(inputs));
          Future<Void> chain = Future.succeededFuture();
          for (JsonObject action : out) {
            chain = chain.compose(v -> sendInfoToUpstream(action));
          }
          return chain.map(out);
        });
  }

  /** @return the wrapped agent */
  protected PolicyAgent actual() {
    return actual;
  }

  private static JsonObject observation(Message m) {
    Object action = m.payload().getValue("action");
    return action instanceof JsonObject ? (JsonObject) action : m.payload();
  }
}
