package io.agentbus.broker;

/** A publish refused because the channel's mailbox is full and the policy is {@link OverflowPolicy#REJECT_NEWEST}. */
public final class MailboxFullException extends IllegalStateException {

  /**
   * @param channel the channel address
   * @param capacity the mailbox capacity
   */
  public MailboxFullException(String channel, int capacity) {
    super("mailbox of channel " + channel + " is full (" + capacity + " messages); message rejected");
  }
}
