package io.agentbus.microgrid;

import io.agentbus.error.AgentBusFailure;
import io.agentbus.error.ErrorCode;

/**
 * The operator refused a driver whose fencing term is older than the newest it has seen: another
 * node leads the market now, or (after a split-brain merge) this node's lease carries a token older
 * than one the operator already saw. {@link #newestTerm()} is the operator's term, read from the
 * operator by a typed request after the refusal, so a driver that does hold the lease can raise its
 * token above it. Code {@link ErrorCode#ABORTED}, on the operator's node and wherever the refusal
 * travels.
 */
public final class DeposedDriverException extends IllegalStateException implements AgentBusFailure {

  private final long term;
  private final long newestTerm;

  /**
   * @param term the refused driver's term
   * @param newestTerm the newest term the operator has seen
   */
  public DeposedDriverException(long term, long newestTerm) {
    super("refused: driver term " + term + " is older than term " + newestTerm + " (another node leads the market now)");
    this.term = term;
    this.newestTerm = newestTerm;
  }

  /** @return the refused driver's term */
  public long term() {
    return term;
  }

  /** @return the newest term the operator has seen */
  public long newestTerm() {
    return newestTerm;
  }

  @Override
  public ErrorCode code() {
    return ErrorCode.ABORTED;
  }
}
