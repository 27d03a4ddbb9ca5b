package io.agentbus.webui;

import io.agentbus.agent.AgentRuntime;
import io.agentbus.webui.impl.DashboardImpl;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.function.Supplier;

/**
 * The live dashboard: a static page (served from the jar, no CDN) and a WebSocket at
 * {@code /ws} that streams versioned JSON: a {@code snapshot} first, then {@code delta}s carrying
 * only the sections that changed. A client that reads slowly gets coalesced updates (ticks are
 * skipped while its socket's queue is full), never an unbounded buffer.
 *
 * <p>Sections: {@code nodes} (every member's info), {@code agents} (active here, recent lifecycle
 * events of the cluster), {@code messages} (published, delivered and dropped counters and their
 * rates), plus any named section an application adds (the node adds {@code market}).
 */
public interface Dashboard {

  /**
   * Mounts the dashboard on a router: {@code /} (the page), {@code /ui/*} (its assets), {@code /ws}.
   *
   * @param router the node's HTTP router
   * @param runtime the agent runtime (node, lifecycle events)
   * @param meters the meter registry the counters are read from
   * @return the dashboard
   */
  static Dashboard mount(Router router, AgentRuntime runtime, MeterRegistry meters) {
    return mount(router, runtime, meters, new DashboardOptions());
  }

  /**
   * Mounts the dashboard with its update interval (see {@link DashboardOptions}).
   *
   * @return the dashboard
   */
  static Dashboard mount(Router router, AgentRuntime runtime, MeterRegistry meters, DashboardOptions options) {
    return new DashboardImpl(router, runtime, meters, options);
  }

  /**
   * Adds a section: its supplier is called every tick and its JSON sent when it changed.
   *
   * @return this
   */
  Dashboard section(String name, Supplier<JsonObject> supplier);

  /**
   * Adds a section sent in snapshots only (a page opening, a reconnect): history a page needs once,
   * then extends from the live sections (the node's {@code history}: the last market steps). The
   * dashboard's own {@code rates} (msgs/s, a point per half second, the last 240) is one.
   *
   * @return this
   */
  Dashboard snapshotSection(String name, Supplier<JsonObject> supplier);

  /**
   * Adds a channel to the live message tail (section {@code tail}: the latest messages with
   * channel, type, sender, recipient and size).
   *
   * @return completion, once subscribed
   */
  io.vertx.core.Future<Void> tail(io.agentbus.broker.MessageBroker broker, io.agentbus.channel.Channel channel);

  /**
   * Lets pages inspect this broker's channels with the message inspector (agent topics can always
   * be inspected): a page asks on its WebSocket for the channels of an environment, optionally one
   * channel kind and one agent, and gets the messages with their payloads in batches (see the
   * README, "The console"). {@code environments} are offered on the page; any may be asked for.
   *
   * @return this
   */
  Dashboard inspect(io.agentbus.broker.MessageBroker broker, java.util.List<String> environments);

  /** @return the number of connected clients */
  int clients();

  /** Stops streaming and closes the clients' sockets. */
  void close();
}
