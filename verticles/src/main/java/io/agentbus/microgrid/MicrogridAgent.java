package io.agentbus.microgrid;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.Handlers;
import io.agentbus.broker.ChannelSubscription;
import io.agentbus.broker.MessageBroker;
import io.agentbus.heron.ProxyAgent;
import io.agentbus.message.Message;
import io.agentbus.microgrid.GridMessages.IndexedTrade;
import io.agentbus.microgrid.MarketMessages.Observed;
import io.agentbus.microgrid.MarketMessages.PhaseDone;
import io.agentbus.microgrid.MarketMessages.ResetMicrogrid;
import io.agentbus.microgrid.MarketMessages.StepPhase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One microgrid on the HERON layer: a {@link ProxyAgent} around its {@link GridAgent}, hosted by
 * the agent runtime (placed, moved with its state, failed over). Its operator steps it through the
 * two phases of a market step ({@link StepPhase}); what each phase reads and writes travels on the
 * broker's channels:
 * <ol>
 *   <li>{@code DECIDE}: {@link #stepDistributed()} pulls the price broadcast and any imposed
 *   set-points, the grid agent decides, the decision and its bid or offer go upstream;</li>
 *   <li>{@code TRADE}: a seller reads its cleared trades from its action channel, sends an offer to
 *   each buyer's peer inbox and waits for the accepts; a buyer waits for the offers it was told to
 *   expect and accepts each (seller and buyer are stepped at once and meet on their inboxes); then
 *   each settles and sends its result upstream. A microgrid without trades just settles.</li>
 * </ol>
 * A peer inbox is a pull mailbox with a doorbell: the proxy subscribes to it, and each message
 * pushed to the subscription makes it pull again; it also pulls every {@value #POLL_MS} ms, so a
 * doorbell missed while it moved between nodes only delays it, and it gives up after
 * {@value #PEER_WAIT_MS} ms with an error naming what it waited for (the operator's step then fails).
 *
 * <p>Agent key: {@code <env>.<microgrid>}.
 */
public final class MicrogridAgent extends ProxyAgent {

  /** The agent type. */
  public static final String TYPE = "microgrid";
  /** How long a microgrid waits for its counterparties in one step. */
  static final long PEER_WAIT_MS = 5_000;
  /** How often it pulls its inbox while waiting, doorbell or not. */
  static final long POLL_MS = 250;

  private final MessageBroker broker;
  private Context context;
  private ChannelSubscription doorbell;
  /** The phases waiting for peer messages (normally one; a redelivered request can make two). */
  private final List<PeerWait> waits = new ArrayList<>();
  /** Peer messages pulled from the inbox and not yet taken by a phase (bounded). */
  private final List<Message> inbox = new ArrayList<>();
  /** At most this many pulled peer messages are kept for a later phase (the oldest go first). */
  private static final int INBOX_LIMIT = 4_096;

  /**
   * @param id its runtime id ({@code microgrid/<env>.<microgrid>})
   * @param policy how it acts
   * @param broker the channels it talks on
   */
  public MicrogridAgent(AgentId id, MicrogridPolicy policy, MessageBroker broker) {
    super(microgridOf(id), new GridAgent(policy), OperatorAgent.TYPE, envOf(id));
    this.broker = broker;
  }

  static String envOf(AgentId id) {
    int dot = id.key().lastIndexOf('.');
    if (dot <= 0 || dot == id.key().length() - 1) {
      throw new IllegalArgumentException("invalid microgrid agent key '" + id.key() + "': expected <env>.<microgrid>");
    }
    return id.key().substring(0, dot);
  }

  static String microgridOf(AgentId id) {
    envOf(id);
    return id.key().substring(id.key().lastIndexOf('.') + 1);
  }

  private GridAgent gridAgent() {
    return (GridAgent) actual();
  }

  @Override
  public Future<Void> onStart() {
    context = Vertx.currentContext();
    // the channels this proxy reads are created here, so their mailboxes live where it first ran
    return setMessageBroker(broker)
        .compose(v -> broker.subscribe(broker.channels().peer(agentId(), envId()), m -> ring()))
        .onSuccess(s -> doorbell = s)
        .mapEmpty();
  }

  @Override
  public Future<Void> onStop() {
    return doorbell == null ? Future.succeededFuture() : doorbell.unsubscribe();
  }

  /** The doorbell: runs the waiting phase's next pull on this agent's context. */
  private void ring() {
    if (context == null) {
      wake();
    } else {
      context.runOnContext(v -> wake());
    }
  }

  private void wake() {
    for (PeerWait w : new ArrayList<>(waits)) {
      w.pull();
    }
  }

  @Override
  public Handlers handlers() {
    return Handlers.builder()
        .onRequestAsync(ResetMicrogrid.class, (r, ctx) -> reset(r))
        .onRequestAsync(StepPhase.class, (p, ctx) -> switch (p.phase()) {
          case DECIDE -> decide(p.step());
          case TRADE -> trade(p.step(), p.trades());
        })
        .build();
  }

  private Future<Observed> reset(ResetMicrogrid r) {
    if (!r.config().id().equals(agentId())) {
      return Future.failedFuture(new IllegalArgumentException("microgrid agent " + agentId()
          + " cannot be reset as " + r.config().id()));
    }
    Observation first = gridAgent().reset(r.config(), r.seed());
    // a wait of the episode this reset ends (its driver may have gone mid-step) would take the new
    // episode's messages of the same step number, and the new wait would never see them
    for (PeerWait w : new ArrayList<>(waits)) {
      w.finish(new IllegalStateException("microgrid " + agentId() + "'s wait for " + w.type + "s in step " + w.step
          + " ended: a new episode began"));
    }
    inbox.clear();
    // what an earlier episode left in this proxy's inboxes is dropped
    return receiveActionMessages().compose(a -> receivePeerMessages()).map(p -> new Observed(first));
  }

  private Future<PhaseDone> decide(int step) {
    return stepDistributed().compose(sent -> sent.isEmpty()
        ? Future.failedFuture(new IllegalStateException("microgrid " + agentId() + " received no price signal for step " + step))
        : Future.succeededFuture(done(step)));
  }

  private Future<PhaseDone> trade(int step, int count) {
    Microgrid.Decision pending = gridAgent().pending();
    if (pending == null || pending.observation().step() != step) {
      return Future.failedFuture(new IllegalStateException("microgrid " + agentId() + " has no decision for step " + step));
    }
    if (count == 0) {
      return report(step, List.of());
    }
    return pending.netDemand() < 0 ? sell(step, count) : buy(step, count);
  }

  /** A seller offers each cleared trade to its buyer and settles once every offer is accepted. */
  private Future<PhaseDone> sell(int step, int count) {
    return receiveActionMessages().compose(actions -> {
      List<IndexedTrade> mine = null;
      for (Object a : actions) {
        if (a instanceof JsonObject j && GridMessages.is(j, GridMessages.TRADES, step)) {
          mine = GridMessages.tradesOf(j);
        }
      }
      if (mine == null || mine.size() != count) {
        return Future.failedFuture(new IllegalStateException("microgrid " + agentId() + " expected " + count
            + " cleared trades for step " + step + ", received " + (mine == null ? 0 : mine.size())));
      }
      List<IndexedTrade> trades = mine;
      List<Future<Void>> offers = new ArrayList<>();
      for (IndexedTrade t : trades) {
        offers.add(sendToPeer(t.trade().buyer(), GridMessages.p2p(GridMessages.OFFER, step, t)));
      }
      return Future.all(offers).compose(v -> awaitPeers(GridMessages.ACCEPT, step, count)).compose(accepts -> {
        for (IndexedTrade t : trades) {
          Message a = accepts.get(t.index());
          if (a == null || !a.senderId().equals(t.trade().buyer())) {
            return Future.failedFuture(new IllegalStateException("microgrid " + agentId() + "'s offer to "
                + t.trade().buyer() + " in step " + step + " was accepted by " + (a == null ? "nobody" : a.senderId())));
          }
        }
        return report(step, trades);
      });
    });
  }

  /** A buyer accepts the offers it was told to expect, then settles with them. */
  private Future<PhaseDone> buy(int step, int count) {
    return awaitPeers(GridMessages.OFFER, step, count).compose(offers -> {
      List<IndexedTrade> trades = new ArrayList<>();
      List<Future<Void>> accepts = new ArrayList<>();
      offers.forEach((index, o) -> {
        IndexedTrade t = new IndexedTrade(index, new Market.Trade(agentId(), o.senderId(),
            o.payload().getDouble("quantity"), o.payload().getDouble("price")));
        trades.add(t);
        accepts.add(sendToPeer(o.senderId(), GridMessages.p2p(GridMessages.ACCEPT, step, t)));
      });
      return Future.all(accepts).compose(v -> report(step, trades));
    });
  }

  /**
   * Pulls this proxy's peer inbox until {@code count} messages of {@code type} for {@code step}
   * are in (the newest per trade index), pulling again at each doorbell and every
   * {@value #POLL_MS} ms, and failing after {@value #PEER_WAIT_MS} ms.
   *
   * @return the messages by trade index, in clearing order
   */
  private Future<Map<Integer, Message>> awaitPeers(String type, int step, int count) {
    PeerWait w = new PeerWait(type, step, count);
    waits.add(w);
    w.start();
    return w.promise.future().onComplete(ar -> waits.remove(w));
  }

  /**
   * One phase waiting for its peers. Every pull goes through the agent's shared {@link #inbox},
   * from which each wait takes only its own messages, so two waits never take each other's; each
   * has its own poll timer and its own deadline, so a wait ends whatever the other does.
   */
  private final class PeerWait {
    final String type;
    final int step;
    final int count;
    final io.vertx.core.Promise<Map<Integer, Message>> promise = io.vertx.core.Promise.promise();
    final Map<Integer, Message> got = new TreeMap<>();
    private long pollTimer = -1;
    private long deadlineTimer = -1;
    private boolean pulling;

    PeerWait(String type, int step, int count) {
      this.type = type;
      this.step = step;
      this.count = count;
    }

    void start() {
      Vertx vertx = context == null ? null : context.owner();
      if (vertx != null) {
        deadlineTimer = vertx.setTimer(PEER_WAIT_MS, id -> finish(new IllegalStateException("microgrid " + agentId()
            + " waited " + PEER_WAIT_MS + " ms for " + count + " " + type + "s in step " + step + " and received "
            + got.size())));
      }
      pull();
    }

    /** Pulls the inbox (unless a pull is already on its way) and takes this wait's messages. */
    void pull() {
      if (promise.future().isComplete() || pulling) {
        return;
      }
      pulling = true;
      receivePeerMessages().onComplete(ar -> {
        pulling = false;
        if (ar.failed()) {
          finish(ar.cause());
          return;
        }
        inbox.addAll(ar.result());
        while (inbox.size() > INBOX_LIMIT) {
          inbox.remove(0);
        }
        for (java.util.Iterator<Message> it = inbox.iterator(); it.hasNext(); ) {
          Message m = it.next();
          if (GridMessages.is(m.payload(), type, step)) {
            got.put(m.payload().getInteger("index"), m);
            it.remove();
          } else if (m.payload().getInteger("step", Integer.MAX_VALUE) < step) {
            it.remove();  // left by an earlier step's failed attempt
          }
        }
        if (got.size() >= count) {
          finish(null);
        } else if (context == null) {
          finish(new IllegalStateException("microgrid " + agentId() + " is not running on a Vert.x context"));
        } else {
          Vertx vertx = context.owner();
          if (pollTimer >= 0) {
            vertx.cancelTimer(pollTimer);
          }
          pollTimer = vertx.setTimer(POLL_MS, id -> {
            pollTimer = -1;
            pull();
          });
        }
      });
    }

    private void finish(Throwable failure) {
      if (promise.future().isComplete()) {
        return;
      }
      if (context != null) {
        if (pollTimer >= 0) {
          context.owner().cancelTimer(pollTimer);
        }
        if (deadlineTimer >= 0) {
          context.owner().cancelTimer(deadlineTimer);
        }
      }
      if (failure == null) {
        promise.complete(got);
      } else {
        promise.fail(failure);
      }
    }
  }

  private Future<PhaseDone> report(int step, List<IndexedTrade> settled) {
    MicrogridResult r;
    try {
      r = gridAgent().settle(step, settled.stream().map(IndexedTrade::trade).collect(Collectors.toList()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return sendInfoToUpstream(GridMessages.result(r)).map(v -> done(step));
  }

  private PhaseDone done(int step) {
    return new PhaseDone(agentId(), step);
  }

  @Override
  public JsonObject saveState() {
    GridAgent g = gridAgent();
    if (g.grid() == null) {
      return null;
    }
    // the pending decision travels too, so a move between the two phases is harmless
    Microgrid.Decision p = g.pending();
    return new JsonObject().put("config", g.grid().config().toJson()).put("seed", g.grid().seed())
        .put("soc", g.grid().soc()).put("pending", p == null ? null : GridMessages.decision(p, null));
  }

  @Override
  public void loadState(JsonObject state) {
    JsonObject p = state.getJsonObject("pending");
    gridAgent().restore(MicrogridConfig.fromJson(state.getJsonObject("config")), state.getLong("seed"),
        state.getDouble("soc"), p == null ? null : GridMessages.decisionOf(p));
  }
}
