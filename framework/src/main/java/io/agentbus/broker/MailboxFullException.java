package io.agentbus.broker;

/** A publish refused because the channel's mailbox is full and the policy is {@link OverflowPolicy#REJECT_NEWEST}. */
public final class MailboxFullException extends IllegalStateException implements io.agentbus.error.AgentBusFailure {

  /**
   * @param channel the channel address
   * @param capacity the mailbox capacity
   */
  public MailboxFullException(String channel, int capacity) {
    super("mailbox of channel " + channel + " is full (" + capacity + " messages); message rejected");
  }

  /**
   * @param message the whole reason (as it arrives from the broker that owns the mailbox)
   */
  public MailboxFullException(String message) {
    super(message);
  }

  /** The event-bus failure code that carries this error from the mailbox's broker to the publisher's. */
  public static final int FAILURE_CODE = 507;

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.RESOURCE_EXHAUSTED;
  }
}
