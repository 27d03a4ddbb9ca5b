package io.agentbus.broker;

import io.agentbus.channel.Channel;
import io.vertx.core.Future;

/**
 * A handle on a {@link MessageBroker#subscribe subscription} to a channel: the channel it was taken
 * on, and the way to end it. Not to be confused with {@link io.agentbus.agent.Subscription}, the
 * agent runtime's routing rule from topics to agents (AutoGen's meaning of the word).
 */
public interface ChannelSubscription {

  /** @return the subscribed channel */
  Channel channel();

  /**
   * Stops delivery to the handler. Unsubscribing twice is harmless.
   *
   * @return completion, once no further message is delivered
   */
  Future<Void> unsubscribe();
}
