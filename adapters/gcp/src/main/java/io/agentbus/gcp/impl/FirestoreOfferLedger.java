package io.agentbus.gcp.impl;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Precondition;
import io.agentbus.llm.handoff.HandoffOffer;
import io.agentbus.llm.handoff.OfferLedger;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@link OfferLedger} on Firestore, collection {@code handoff_offers}: an offer is a precondition
 * create (one per id), a claim an update preconditioned on the update time read with the offer
 * unclaimed, so of concurrent claimers — on any node of any cluster sharing the project — exactly
 * one wins and the others read the winner. {@code expireAt} is set for a Firestore TTL policy.
 */
public final class FirestoreOfferLedger implements OfferLedger {

  /** Offers and their claims. */
  public static final String OFFERS = "handoff_offers";
  private static final long OP_TIMEOUT_MILLIS = 10_000;
  private static final int MAX_ATTEMPTS = 8;

  private final Bridge bridge;
  private final CollectionReference offers;

  /**
   * @param bridge futures and worker threads
   * @param firestore the client
   */
  public FirestoreOfferLedger(Bridge bridge, Firestore firestore) {
    this.bridge = bridge;
    this.offers = firestore.collection(OFFERS);
  }

  /** @return the offer's document, or null when the id cannot be a document id (so no such offer exists) */
  private DocumentReference doc(String offerId) {
    try {
      return offers.document(FirestoreRunStore.checkId(offerId));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static <T> Future<T> badId(String offerId) {
    return Future.failedFuture(new IllegalArgumentException("an offer id is 1-200 letters, digits or _.:-, got '" + offerId + "'"));
  }

  @Override
  public Future<HandoffOffer> recordIfAbsent(HandoffOffer offer, long retainMillis) {
    DocumentReference ref = doc(offer.id());
    if (ref == null) {
      return badId(offer.id());
    }
    Map<String, Object> fields = new HashMap<>();
    fields.put("id", offer.id());
    fields.put("fromAgent", offer.fromAgent());
    fields.put("runId", offer.runId());
    fields.put("requiredCapabilities", new ArrayList<>(offer.requiredCapabilities()));
    fields.put("expiresAtMillis", offer.expiresAtMillis());
    fields.put("snapshot", offer.snapshotUri());
    fields.put("offer", offer.toJson().encode());
    fields.put("expireAt", Timestamp.ofTimeMicroseconds((System.currentTimeMillis() + retainMillis) * 1000));
    return bridge.of(ref.create(fields)).<HandoffOffer>map(w -> null).recover(err -> {
      if (code(err) == StatusCode.Code.ALREADY_EXISTS) {
        return bridge.of(ref.get()).map(FirestoreOfferLedger::offerOf);
      }
      return Future.failedFuture(err);
    }).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<HandoffOffer> offer(String offerId) {
    DocumentReference ref = doc(offerId);
    if (ref == null) {
      return Future.succeededFuture(null);
    }
    return bridge.of(ref.get()).map(FirestoreOfferLedger::offerOf).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static HandoffOffer offerOf(DocumentSnapshot snap) {
    return snap.exists() ? HandoffOffer.fromJson(new JsonObject(snap.getString("offer"))) : null;
  }

  @Override
  public Future<String> claimIfFree(String offerId, String claimer, long retainMillis) {
    DocumentReference ref = doc(offerId);
    if (ref == null) {
      return badId(offerId);
    }
    return attempt(ref, claimer, 1).timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  private Future<String> attempt(DocumentReference ref, String claimer, int n) {
    return bridge.of(ref.get()).compose(snap -> {
      if (!snap.exists()) {
        return Future.failedFuture(new IllegalStateException("no offer " + ref.getId() + " in " + OFFERS));
      }
      String holder = snap.getString("claimedBy");
      if (holder != null) {
        return Future.succeededFuture(holder);
      }
      Map<String, Object> claim = new HashMap<>();
      claim.put("claimedBy", claimer);
      claim.put("claimedAtMillis", System.currentTimeMillis());
      return bridge.of(ref.update(claim, Precondition.updatedAt(snap.getUpdateTime()))).map(claimer).recover(err -> {
        StatusCode.Code code = code(err);
        if ((code == StatusCode.Code.FAILED_PRECONDITION || code == StatusCode.Code.ABORTED) && n < MAX_ATTEMPTS) {
          return attempt(ref, claimer, n + 1);  // someone wrote first: read who
        }
        return Future.failedFuture(err);
      });
    });
  }

  @Override
  public Future<String> claimant(String offerId) {
    DocumentReference ref = doc(offerId);
    if (ref == null) {
      return Future.succeededFuture(null);
    }
    return bridge.of(ref.get()).map(s -> s.exists() ? s.getString("claimedBy") : null)
        .timeout(OP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** @return the gRPC status code somewhere in {@code err}'s causes, or null */
  static StatusCode.Code code(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof ApiException api) {
        return api.getStatusCode().getCode();
      }
      if (t instanceof com.google.cloud.firestore.FirestoreException fe && fe.getStatus() != null) {
        return StatusCode.Code.valueOf(fe.getStatus().getCode().name());
      }
      if (t instanceof io.grpc.StatusRuntimeException sre) {
        return StatusCode.Code.valueOf(sre.getStatus().getCode().name());
      }
    }
    return null;
  }
}
