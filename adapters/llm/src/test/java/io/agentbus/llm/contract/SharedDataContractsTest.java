package io.agentbus.llm.contract;

import io.agentbus.llm.agent.RunStore;
import io.agentbus.llm.handoff.OfferLedger;
import io.agentbus.llm.snapshot.SnapshotStore;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Nested;

/** The default (shared-data) stores against their contracts. */
class SharedDataContractsTest {

  @Nested
  class Runs extends RunStoreContract {
    @Override
    protected RunStore newStore(Vertx vertx) {
      return RunStore.shared(vertx);
    }
  }

  @Nested
  class Snapshots extends SnapshotStoreContract {
    @Override
    protected SnapshotStore newStore(Vertx vertx) {
      return SnapshotStore.shared(vertx);
    }
  }

  @Nested
  class Offers extends OfferLedgerContract {
    @Override
    protected OfferLedger newLedger(Vertx vertx) {
      return OfferLedger.shared(vertx);
    }
  }
}
