package io.agentbus.broker;

/** What a full channel mailbox does with a new message. Either way the drop is counted. */
public enum OverflowPolicy {
  /** Evict the oldest message to make room (the default: pull consumers see the latest). */
  DROP_OLDEST,
  /** Refuse the new message: the publish fails with {@link MailboxFullException}. */
  REJECT_NEWEST
}
