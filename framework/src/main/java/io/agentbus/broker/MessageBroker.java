package io.agentbus.broker;

import io.agentbus.broker.impl.EventBusBrokerImpl;
import io.agentbus.broker.impl.InMemoryBrokerImpl;
import io.agentbus.channel.Channel;
import io.agentbus.channel.Channels;
import io.agentbus.message.Message;
import io.agentbus.message.MessageTypeRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HERON's message broker contract, asynchronous.
 *
 * <p>Channels hold messages until a recipient pulls them with {@link #consume}, and push each
 * message to every {@link #subscribe subscriber}. Two implementations share the contract (and one
 * contract test suite):
 * <ul>
 *   <li>{@link #inMemory(BrokerOptions)}: plain Java, thread-safe; the fast path for centralized
 *   training and simulation.</li>
 *   <li>{@link #eventBus(Vertx, BrokerOptions)}: on the Vert.x event bus, identical in one JVM and
 *   across a Hazelcast cluster.</li>
 * </ul>
 *
 * <p>Every operation validates its input and fails its future with a clear error (invalid ids, a
 * channel of another namespace, a message whose environment is not the channel's, an unregistered
 * custom type, an oversized payload, a closed broker). Nothing here blocks the caller.
 *
 * <p><b>Ordering and visibility.</b> Messages from one publisher to one channel are kept in publish
 * order. Once {@link #publish}'s future has completed the message is in the channel's mailbox, so
 * a later {@link #consume} on any node sees it. Subscribers receive it asynchronously.
 */
public interface MessageBroker {

  /**
   * @param options options (namespace, limits, registries, metrics)
   * @return a new in-memory broker
   */
  static MessageBroker inMemory(BrokerOptions options) {
    return new InMemoryBrokerImpl(options);
  }

  /** @return a new in-memory broker with default options */
  static MessageBroker inMemory() {
    return inMemory(new BrokerOptions());
  }

  /**
   * Creates a broker on {@code vertx}'s event bus. On a clustered Vert.x instance, brokers of the
   * same namespace on every node form one broker.
   *
   * @param vertx the Vert.x instance (clustered or not)
   * @param options options
   * @return the broker once its endpoints are registered (cluster-wide)
   */
  static Future<MessageBroker> eventBus(Vertx vertx, BrokerOptions options) {
    return EventBusBrokerImpl.create(vertx, options);
  }

  /** @return the channel factory of this broker's namespace and custom kinds */
  Channels channels();

  /** @return the custom message types this broker accepts */
  MessageTypeRegistry messageTypes();

  /**
   * Creates a channel, if it does not exist yet. On the event-bus broker, the node that first
   * creates (or publishes to) a channel keeps its mailbox: create the channels you consume from
   * on the consuming node.
   *
   * @param channel the channel
   * @return completion
   */
  Future<Void> createChannel(Channel channel);

  /**
   * Publishes a message to a channel (creating the channel if needed).
   *
   * @param channel the channel, of this broker's namespace
   * @param message the message; its environment must be the channel's
   * @return completes once the message is in the channel's mailbox
   */
  Future<Void> publish(Channel channel, Message message);

  /**
   * Pulls the messages addressed to {@code recipientId} in environment {@code envId}, in publish
   * order.
   *
   * @param channel the channel
   * @param recipientId the recipient
   * @param envId the environment
   * @param clear whether to remove the returned messages from the channel
   * @return the messages (possibly empty)
   */
  Future<List<Message>> consume(Channel channel, String recipientId, String envId, boolean clear);

  /** {@link #consume(Channel, String, String, boolean)} with {@code clear = true}. */
  default Future<List<Message>> consume(Channel channel, String recipientId, String envId) {
    return consume(channel, recipientId, envId, true);
  }

  /**
   * Pulls the messages addressed to {@code recipientId} from several channels at once (a
   * coordinator reading every subordinate's information). On the event-bus broker this is one
   * request per node that keeps some of the mailboxes, however many channels it keeps, instead of
   * one per channel; the in-memory broker reads each channel in turn.
   *
   * <p>Each channel is read as {@link #consume(Channel, String, String, boolean)} reads it. Every
   * channel is checked before any is read (a bad one fails the call and removes nothing); if one
   * node's part fails later, the whole call fails and the other parts may already have been
   * removed when {@code clear} is set, as with separate consumes.
   *
   * @param channels the channels (duplicates are read once)
   * @param recipientId the recipient
   * @param envId the environment
   * @param clear whether to remove the returned messages
   * @return each channel's messages (possibly empty), keyed in the order given
   */
  default Future<Map<Channel, List<Message>>> consumeAll(List<Channel> channels, String recipientId, String envId,
                                                         boolean clear) {
    Map<Channel, Future<List<Message>>> reads = new LinkedHashMap<>();
    for (Channel c : channels) {
      reads.computeIfAbsent(c, ch -> consume(ch, recipientId, envId, clear));
    }
    return Future.all(new ArrayList<>(reads.values())).map(v -> {
      Map<Channel, List<Message>> out = new LinkedHashMap<>();
      reads.forEach((c, f) -> out.put(c, f.result()));
      return out;
    });
  }

  /**
   * Subscribes to every message later published to a channel. Handlers run outside any broker
   * lock; an exception thrown by one handler is counted and logged and does not affect the
   * others. On the event-bus broker the handler runs on the caller's Vert.x context.
   *
   * @param channel the channel
   * @param handler the handler
   * @return the subscription, once active cluster-wide
   */
  Future<ChannelSubscription> subscribe(Channel channel, Handler<Message> handler);

  /**
   * Removes every message of an environment from every channel (the channels stay).
   *
   * @param envId the environment
   * @return completion, once every mailbox holding such messages has been cleared
   */
  Future<Void> clearEnvironment(String envId);

  /**
   * @param envId the environment
   * @return the channels of that environment that were created or published to, sorted by address
   */
  Future<List<Channel>> environmentChannels(String envId);

  /**
   * Releases resources: subscriptions end, mailboxes are dropped, and every later call fails
   * with {@link BrokerClosedException}. Closing twice is harmless.
   *
   * @return completion
   */
  Future<Void> close();
}
