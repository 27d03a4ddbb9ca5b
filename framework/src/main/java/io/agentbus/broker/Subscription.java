package io.agentbus.broker;

import io.agentbus.channel.Channel;
import io.vertx.core.Future;

/** A handle on a {@link MessageBroker#subscribe subscription}. */
public interface Subscription {

  /** @return the subscribed channel */
  Channel channel();

  /**
   * Stops delivery to the handler. Unsubscribing twice is harmless.
   *
   * @return completion, once no further message is delivered
   */
  Future<Void> unsubscribe();
}
