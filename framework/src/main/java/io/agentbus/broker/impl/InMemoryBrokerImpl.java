package io.agentbus.broker.impl;

import io.agentbus.broker.BrokerClosedException;
import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageBroker;
import io.agentbus.broker.ChannelSubscription;
import io.agentbus.channel.Channel;
import io.agentbus.channel.Channels;
import io.agentbus.channel.Ids;
import io.agentbus.message.Message;
import io.agentbus.message.MessageTypeRegistry;
import io.agentbus.message.MessageIds;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Plain-Java {@link MessageBroker}: thread-safe, subscribers called synchronously on the
 * publisher's thread, outside any lock. Futures it returns are already complete.
 */
public final class InMemoryBrokerImpl implements MessageBroker {

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryBrokerImpl.class);

  private final BrokerSupport support;
  private final Map<Channel, Mailbox> mailboxes = new ConcurrentHashMap<>();
  private final Map<Channel, CopyOnWriteArrayList<LocalSubscription>> subscribers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** @param options the options */
  public InMemoryBrokerImpl(BrokerOptions options) {
    this.support = new BrokerSupport(options, MessageIds.next());
  }

  @Override
  public Channels channels() {
    return support.channels;
  }

  @Override
  public MessageTypeRegistry messageTypes() {
    return support.messageTypes;
  }

  @Override
  public Future<Void> createChannel(Channel channel) {
    return call("createChannel", () -> {
      mailbox(support.checkChannel(channel));
      return null;
    });
  }

  @Override
  public Future<Void> publish(Channel channel, Message message) {
    return call("publish", () -> {
      support.checkPublish(channel, message);
      mailbox(channel).store(message);
      support.metrics.published(channel);
      List<LocalSubscription> subs = subscribers.get(channel);
      if (subs != null) {
        for (LocalSubscription s : subs) {
          s.deliver(message);
        }
      }
      return null;
    });
  }

  @Override
  public Future<List<Message>> consume(Channel channel, String recipientId, String envId, boolean clear) {
    return call("consume", () -> {
      support.checkConsume(channel, recipientId, envId);
      Mailbox mb = mailboxes.get(channel);
      return mb == null ? List.of() : mb.consume(recipientId, envId, clear);
    });
  }

  @Override
  public Future<java.util.Map<Channel, List<Message>>> consumeAll(List<Channel> channels, String recipientId, String envId,
                                                                   boolean clear) {
    return call("consume", () -> {
      channels.forEach(c -> support.checkConsume(c, recipientId, envId));  // all checked before any is read
      java.util.Map<Channel, List<Message>> out = new java.util.LinkedHashMap<>();
      for (Channel c : channels) {
        if (!out.containsKey(c)) {
          Mailbox mb = mailboxes.get(c);
          out.put(c, mb == null ? List.of() : mb.consume(recipientId, envId, clear));
        }
      }
      return out;
    });
  }

  @Override
  public Future<ChannelSubscription> subscribe(Channel channel, Handler<Message> handler) {
    return call("subscribe", () -> {
      support.checkChannel(channel);
      LocalSubscription s = new LocalSubscription(channel, handler);
      subscribers.computeIfAbsent(channel, c -> new CopyOnWriteArrayList<>()).add(s);
      return s;
    });
  }

  @Override
  public Future<Void> clearEnvironment(String envId) {
    return call("clearEnvironment", () -> {
      Ids.check("env id", envId);
      mailboxes.values().forEach(mb -> mb.clearEnvironment(envId));
      return null;
    });
  }

  @Override
  public Future<List<Channel>> environmentChannels(String envId) {
    return call("environmentChannels", () -> {
      Ids.check("env id", envId);
      return mailboxes.keySet().stream().filter(c -> c.envId().equals(envId))
          .sorted(Comparator.comparing(Channel::address)).collect(Collectors.toList());
    });
  }

  @Override
  public Future<Void> close() {
    closed = true;
    mailboxes.values().forEach(Mailbox::discard);
    mailboxes.clear();
    subscribers.clear();
    return Future.succeededFuture();
  }

  private Mailbox mailbox(Channel channel) {
    return mailboxes.computeIfAbsent(channel, support::newMailbox);
  }

  private <T> Future<T> call(String operation, Supplier<T> body) {
    if (closed) {
      return Future.failedFuture(new BrokerClosedException(operation));
    }
    try {
      return Future.succeededFuture(body.get());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private final class LocalSubscription implements ChannelSubscription {
    private final Channel channel;
    private final Handler<Message> handler;

    LocalSubscription(Channel channel, Handler<Message> handler) {
      this.channel = channel;
      this.handler = handler;
    }

    void deliver(Message message) {
      try {
        handler.handle(message);
        support.metrics.delivered(channel, "subscribe", 1);
      } catch (Throwable t) {
        support.metrics.handlerFailed(channel);
        LOG.warn("subscriber of {} failed on message {}", channel, message.id(), t);
      }
    }

    @Override
    public Channel channel() {
      return channel;
    }

    @Override
    public Future<Void> unsubscribe() {
      List<LocalSubscription> subs = subscribers.get(channel);
      if (subs != null) {
        subs.remove(this);
      }
      return Future.succeededFuture();
    }
  }
}
