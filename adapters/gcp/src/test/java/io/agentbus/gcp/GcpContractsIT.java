package io.agentbus.gcp;

import io.agentbus.llm.agent.RunStore;
import io.agentbus.llm.contract.OfferLedgerContract;
import io.agentbus.llm.contract.RunStoreContract;
import io.agentbus.llm.contract.SnapshotStoreContract;
import io.agentbus.llm.handoff.OfferLedger;
import io.agentbus.llm.snapshot.SnapshotStore;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Nested;

import static io.agentbus.testing.Await.await;

/**
 * The Google Cloud stores against the same contracts as the defaults, on the real emulators
 * (Firestore, fake-gcs-server). Two ledgers of one test are two Firestore clients: two nodes, or
 * two clusters sharing a project.
 */
class GcpContractsIT {

  @Nested
  class FirestoreRuns extends RunStoreContract {
    @Override
    protected RunStore newStore(Vertx vertx) {
      return GoogleCloud.create(vertx, GcpEmulators.get().options()).runStore();
    }
  }

  @Nested
  class FirestoreOffers extends OfferLedgerContract {
    @Override
    protected OfferLedger newLedger(Vertx vertx) {
      return GoogleCloud.create(vertx, GcpEmulators.get().options()).offerLedger();
    }
  }

  @Nested
  class GcsSnapshots extends SnapshotStoreContract {
    @Override
    protected SnapshotStore newStore(Vertx vertx) {
      return await(GoogleCloud.create(vertx, GcpEmulators.get().options()).snapshotStore());
    }
  }
}
