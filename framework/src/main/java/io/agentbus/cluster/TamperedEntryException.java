package io.agentbus.cluster;

/**
 * An entry of a cluster-wide map did not open with this cluster's secret: someone without the
 * secret wrote or changed it (a foreign Hazelcast member or client). The entry is refused; users of
 * the map decide what that means (the budget ledger fails closed: no model call is made).
 */
public final class TamperedEntryException extends IllegalStateException implements io.agentbus.error.AgentBusFailure {

  /** @param message which entry of which map */
  public TamperedEntryException(String message) {
    super(message);
  }

  @Override
  public io.agentbus.error.ErrorCode code() {
    return io.agentbus.error.ErrorCode.DATA_LOSS;
  }
}
