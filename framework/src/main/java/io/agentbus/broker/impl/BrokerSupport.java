package io.agentbus.broker.impl;

import io.agentbus.broker.BrokerOptions;
import io.agentbus.broker.MessageTooLargeException;
import io.agentbus.channel.Channel;
import io.agentbus.channel.Channels;
import io.agentbus.channel.Ids;
import io.agentbus.message.Message;
import io.agentbus.message.MessageTypeRegistry;
import io.agentbus.metrics.BrokerMetrics;

import java.util.Objects;

/** What both brokers check and share: options, registries, metrics, input validation. */
final class BrokerSupport {

  final BrokerOptions options;
  final Channels channels;
  final MessageTypeRegistry messageTypes;
  final BrokerMetrics metrics;
  final String brokerId;

  BrokerSupport(BrokerOptions options, String brokerId) {
    this.options = new BrokerOptions(options);
    this.channels = Channels.create(options.getNamespace(), options.getChannelRegistry());
    this.messageTypes = options.getMessageTypes();
    this.brokerId = brokerId;
    this.metrics = new BrokerMetrics(options.getMeterRegistry(), options.getNamespace(), brokerId);
  }

  /** Checks that a channel belongs to this broker's namespace. */
  Channel checkChannel(Channel channel) {
    Objects.requireNonNull(channel, "channel");
    if (!channel.namespace().equals(channels.namespace())) {
      throw new IllegalArgumentException("channel " + channel + " is in namespace '" + channel.namespace()
          + "', this broker serves '" + channels.namespace() + "'");
    }
    return channel;
  }

  /**
   * Checks a message before it is published on a channel.
   *
   * @return its payload's size in bytes, or a bound of it below the limit
   */
  long checkPublish(Channel channel, Message message) {
    checkChannel(channel);
    Objects.requireNonNull(message, "message");
    if (!message.envId().equals(channel.envId())) {
      throw new IllegalArgumentException("message " + message.id() + " belongs to environment '" + message.envId()
          + "' but channel " + channel + " to '" + channel.envId() + "'");
    }
    messageTypes.check(message);
    long size = message.payloadSize(options.getMaxPayloadBytes());
    if (size > options.getMaxPayloadBytes()) {
      throw new MessageTooLargeException(size, options.getMaxPayloadBytes());
    }
    return size;
  }

  /** Checks the arguments of a consume. */
  void checkConsume(Channel channel, String recipientId, String envId) {
    checkChannel(channel);
    Ids.check("recipient id", recipientId);
    Ids.check("env id", envId);
  }

  Mailbox newMailbox(Channel channel) {
    return new Mailbox(channel, options.getMailboxCapacity(), options.getMailboxMaxBytes(), options.getOverflowPolicy(), metrics);
  }
}
