package io.agentbus.broker.impl;

import io.agentbus.broker.ChannelSubscription;
import io.agentbus.channel.Channel;
import io.agentbus.cluster.ReachableConsumers;
import io.agentbus.message.Message;
import io.agentbus.message.impl.ContextQueue;
import io.agentbus.message.impl.FrameBatch;
import io.agentbus.metrics.BrokerMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;

/**
 * One subscriber of a channel on the event-bus broker. Its event-bus consumer (on the broker's
 * context) only puts what arrives, the messages of a batch one by one, into a bounded buffer; the
 * handler drains the buffer on the context that subscribed. A subscriber that falls behind costs
 * its buffer, and what overflows is dropped and counted ({@code reason="consumer_overflow"}). A
 * body that is not a message is counted as malformed; a handler that throws is counted and logged,
 * and the next message is delivered as usual.
 */
final class BusSubscriber implements ChannelSubscription {

  private static final Logger LOG = LoggerFactory.getLogger(BusSubscriber.class);

  private final Channel channel;
  private final Handler<Message> handler;
  private final BrokerSupport support;
  private final BiConsumer<Channel, Object> malformed;
  private final Counter delivered;
  private final ContextQueue<Object> buffer;
  private ReachableConsumers.Endpoint consumer;

  /**
   * @param subscriberContext where the handler runs
   * @param malformed told of a body that is not a message
   */
  BusSubscriber(Channel channel, Handler<Message> handler, Context subscriberContext, BrokerSupport support,
                BiConsumer<Channel, Object> malformed) {
    this.channel = channel;
    this.handler = handler;
    this.support = support;
    this.malformed = malformed;
    this.delivered = support.metrics.subscriberDeliveries(channel);
    this.buffer = new ContextQueue<>(subscriberContext, this::deliver, support.options.getConsumerBufferSize(),
        body -> support.metrics.dropped(channel, BrokerMetrics.REASON_CONSUMER_OVERFLOW, 1));
  }

  /**
   * Registers the event-bus consumer, kept reachable by {@code consumers}; call on the broker's context.
   *
   * @return this subscription, once the cluster knows the consumer
   */
  Future<ChannelSubscription> listen(ReachableConsumers consumers, EventBus eventBus) {
    consumer = consumers.add(() -> eventBus.consumer(channel.address(), m -> FrameBatch.forEach(m.body(), buffer::put)));
    return consumer.completion().map(this);
  }

  private void deliver(Object body) {
    if (!(body instanceof Message)) {
      malformed.accept(channel, body);
      return;
    }
    try {
      handler.handle((Message) body);
      delivered.increment();
    } catch (Throwable t) {
      support.metrics.handlerFailed(channel);
      LOG.warn("subscriber of {} failed on message {}", channel, ((Message) body).id(), t);
    }
  }

  @Override
  public Channel channel() {
    return channel;
  }

  @Override
  public Future<Void> unsubscribe() {
    buffer.close();
    return consumer.unregister();
  }
}
