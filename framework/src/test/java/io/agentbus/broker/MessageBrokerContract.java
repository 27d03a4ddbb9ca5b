package io.agentbus.broker;

import io.agentbus.channel.Channel;
import io.agentbus.channel.Channels;
import io.agentbus.channel.InvalidIdException;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.agentbus.message.UnknownMessageTypeException;
import io.agentbus.metrics.BrokerMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.awaitFailure;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link MessageBroker} contract, written once and run against every implementation and
 * topology. Brokers 0 (A) and {@code brokers() - 1} (C) are on different nodes where the topology
 * has several.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class MessageBrokerContract {

  private static final AtomicInteger ENVS = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** Starts the topology (one per class). */
  protected abstract void startTopology() throws Exception;

  /** Stops it. */
  protected abstract void stopTopology() throws Exception;

  /** @return a new broker on node {@code node} of the topology */
  protected abstract MessageBroker newBroker(int node, BrokerOptions options);

  /** @return how many nodes the topology has */
  protected abstract int nodes();


  private final List<MessageBroker> created = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  void setUpTopology() throws Exception {
    startTopology();
  }

  @AfterAll
  void tearDownTopology() throws Exception {
    for (MessageBroker b : created) {
      await(b.close());
    }
    stopTopology();
  }

  /** @return whether every node of the topology is served by one shared broker instance */
  protected boolean brokersAreShared() {
    return false;
  }

  private BrokerOptions defaults;

  @BeforeEach
  void freshDefaults() {
    defaults = new BrokerOptions();
  }

  protected MessageBroker broker(int node) {
    return broker(node, defaults);
  }

  protected MessageBroker broker(int node, BrokerOptions options) {
    MessageBroker b = newBroker(node, options);
    created.add(b);
    return b;
  }

  protected static String newEnv() {
    return "env_" + ENVS.incrementAndGet();
  }

  protected static Message msg(String env, String from, String to, int seq) {
    return Message.builder().envId(env).senderId(from).recipientId(to).timestamp(seq)
        .type(MessageType.ACTION).payload(new JsonObject().put("seq", seq)).build();
  }

  private static List<Integer> seqs(List<Message> messages) {
    return messages.stream().map(m -> m.payload().getInteger("seq")).collect(Collectors.toList());
  }

  @Test
  void publishedMessageIsKeptUntilConsumed() {
    MessageBroker a = broker(0);
    String env = newEnv();
    Channel ch = a.channels().action("coordinator", "field_1", env);
    Message m = msg(env, "coordinator", "field_1", 1);
    await(a.publish(ch, m));
    List<Message> got = await(a.consume(ch, "field_1", env));
    assertThat(got).containsExactly(m);
    assertThat(await(a.consume(ch, "field_1", env))).isEmpty();
  }

  @Test
  void publishOnOneNodeConsumeOnAnother() {
    MessageBroker a = broker(0);
    MessageBroker c = broker(nodes() - 1);
    String env = newEnv();
    Channel ch = a.channels().info("field_1", "coordinator", env);
    await(c.createChannel(ch));
    for (int i = 0; i < 5; i++) {
      await(a.publish(ch, msg(env, "field_1", "coordinator", i)));
    }
    assertThat(seqs(await(c.consume(ch, "coordinator", env)))).containsExactly(0, 1, 2, 3, 4);
    // and the other way round: the mailbox lives on C, A consumes remotely
    await(c.publish(ch, msg(env, "field_1", "coordinator", 9)));
    assertThat(seqs(await(a.consume(ch, "coordinator", env)))).containsExactly(9);
  }

  @Test
  void consumeFiltersByRecipientAndEnvironmentAndClearIsOptional() {
    MessageBroker a = broker(0);
    String env = newEnv();
    Channel ch = a.channels().broadcast("coordinator", env);
    await(a.publish(ch, msg(env, "coordinator", "field_1", 1)));
    await(a.publish(ch, msg(env, "coordinator", "field_2", 2)));
    await(a.publish(ch, msg(env, "coordinator", "field_1", 3)));
    assertThat(seqs(await(a.consume(ch, "field_1", env, false)))).containsExactly(1, 3);
    assertThat(seqs(await(a.consume(ch, "field_1", env, true)))).containsExactly(1, 3);
    assertThat(await(a.consume(ch, "field_1", env, true))).isEmpty();
    assertThat(seqs(await(a.consume(ch, "field_2", env)))).containsExactly(2);
    assertThat(await(a.consume(ch, "field_2", "some_other_env"))).isEmpty();
  }

  @Test
  void environmentsAreIsolatedAndClearedIndependently() {
    MessageBroker a = broker(0);
    MessageBroker c = broker(nodes() - 1);
    String env0 = newEnv();
    String env1 = newEnv();
    Channel ch0 = a.channels().action("coord", "field", env0);
    Channel ch1 = a.channels().action("coord", "field", env1);
    Channel ch1b = a.channels().stateUpdates(env1);
    await(c.createChannel(ch1b));
    await(a.publish(ch0, msg(env0, "coord", "field", 0)));
    await(a.publish(ch1, msg(env1, "coord", "field", 1)));
    await(a.publish(ch1b, msg(env1, "coord", "field", 2)));

    assertThat(await(a.environmentChannels(env0))).containsExactly(ch0);
    assertThat(await(c.environmentChannels(env1))).containsExactlyInAnyOrder(ch1, ch1b);

    await(a.clearEnvironment(env1));
    assertThat(await(c.consume(ch1, "field", env1))).isEmpty();
    assertThat(await(a.consume(ch1b, "field", env1))).isEmpty();
    assertThat(seqs(await(c.consume(ch0, "field", env0)))).containsExactly(0);
    // channels survive a clear
    assertThat(await(a.environmentChannels(env1))).containsExactlyInAnyOrder(ch1, ch1b);
  }

  @Test
  void subscribersReceiveAndUnsubscribeStopsDelivery() throws Exception {
    MessageBroker a = broker(0);
    MessageBroker c = broker(nodes() - 1);
    String env = newEnv();
    Channel ch = a.channels().broadcast("system", env);
    List<Message> received = Collections.synchronizedList(new ArrayList<>());
    ChannelSubscription sub = await(c.subscribe(ch, received::add));
    await(a.publish(ch, msg(env, "system", "all", 1)));
    until("delivery", WAIT, () -> received.size() == 1);
    await(sub.unsubscribe());
    await(a.publish(ch, msg(env, "system", "all", 2)));
    // a second subscriber that is still subscribed proves the second message was delivered. A
    // subscription completes once the cluster manager has it; another node's view of the address
    // follows a little later (Vert.x's fake cluster manager even completes before telling the other
    // nodes), so messages are published until the witness has one rather than exactly one
    List<Message> witness = Collections.synchronizedList(new ArrayList<>());
    await(c.subscribe(ch, witness::add));
    int seq = 3;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (witness.isEmpty() && System.nanoTime() < deadline) {
      await(a.publish(ch, msg(env, "system", "all", seq++)));
      io.agentbus.testing.Await.sleep(50);
    }
    assertThat(witness).as("witness delivery").isNotEmpty();
    assertThat(seqs(received)).containsExactly(1);
    await(sub.unsubscribe());
  }

  @Test
  void aThrowingSubscriberDoesNotAffectOthers() {
    MessageBroker a = broker(0);
    MessageBroker c = broker(nodes() - 1);
    String env = newEnv();
    Channel ch = a.channels().stateUpdates(env);
    AtomicInteger good = new AtomicInteger();
    await(c.subscribe(ch, m -> {
      throw new IllegalStateException("boom");
    }));
    await(c.subscribe(ch, m -> good.incrementAndGet()));
    await(a.subscribe(ch, m -> good.incrementAndGet()));
    for (int i = 0; i < 3; i++) {
      await(a.publish(ch, msg(env, "grid", "all", i)));
    }
    until("both good subscribers", WAIT, () -> good.get() == 6);
    assertThat(seqs(await(a.consume(ch, "all", env)))).containsExactly(0, 1, 2);
  }

  @Test
  void perSenderOrderIsKept() {
    MessageBroker a = broker(0);
    MessageBroker c = broker(nodes() - 1);
    String env = newEnv();
    Channel ch = a.channels().info("field", "coord", env);
    await(c.createChannel(ch));
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    await(c.subscribe(ch, m -> seen.add(m.payload().getInteger("seq"))));
    List<io.vertx.core.Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      all.add(a.publish(ch, msg(env, "field", "coord", i)));
    }
    await(io.vertx.core.Future.all(all));
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      expected.add(i);
    }
    assertThat(seqs(await(c.consume(ch, "coord", env)))).isEqualTo(expected);
    until("500 deliveries", WAIT, () -> seen.size() == 500);
    assertThat(seen).isEqualTo(expected);
  }

  /**
   * A subscriber that publishes a burst from its handler publishes on an event loop, where the
   * broker sends one turn's publishes to a channel as batches: all of them arrive, once, in order,
   * at a subscriber on another node and at one on the same node.
   */
  @Test
  void aBurstPublishedFromAnEventLoopArrivesWholeAndInOrderEverywhere() {
    MessageBroker a = broker(0);
    MessageBroker c = broker(nodes() - 1);
    String env = newEnv();
    Channel trigger = a.channels().action("test", "burst", env);
    Channel ch = a.channels().info("burst", "coord", env);
    int n = 1_000;
    List<Integer> remote = Collections.synchronizedList(new ArrayList<>());
    List<Integer> local = Collections.synchronizedList(new ArrayList<>());
    await(c.subscribe(ch, m -> remote.add(m.payload().getInteger("seq"))));
    await(a.subscribe(ch, m -> local.add(m.payload().getInteger("seq"))));
    await(a.subscribe(trigger, m -> {
      for (int i = 0; i < n; i++) {
        a.publish(ch, msg(env, "burst", "coord", i));
      }
    }));
    await(a.publish(trigger, msg(env, "test", "burst", 0)));
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add(i);
    }
    until("the burst on both nodes", WAIT, () -> remote.size() >= n && local.size() >= n);
    assertThat(remote).isEqualTo(expected);
    assertThat(local).isEqualTo(expected);
    assertThat(seqs(await(c.consume(ch, "coord", env)))).isEqualTo(expected);
  }

  @Test
  void concurrentPublishersLoseNothing() throws Exception {
    int publishers = 4;
    int each = 200;
    String env = newEnv();
    MessageBroker c = broker(nodes() - 1);
    Channel ch = c.channels().info("many", "coord", env);
    await(c.createChannel(ch));
    List<MessageBroker> brokers = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      brokers.add(broker(p % nodes()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(publishers);
    CountDownLatch start = new CountDownLatch(1);
    List<java.util.concurrent.Future<?>> jobs = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      int pub = p;
      jobs.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < each; i++) {
          Message m = Message.builder().envId(env).senderId("pub_" + pub).recipientId("coord").timestamp(i)
              .type(MessageType.INFO).payload(new JsonObject().put("seq", i)).build();
          await(brokers.get(pub).publish(ch, m));
        }
        return null;
      }));
    }
    start.countDown();
    for (java.util.concurrent.Future<?> j : jobs) {
      j.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    List<Message> got = await(c.consume(ch, "coord", env));
    assertThat(got).hasSize(publishers * each);
    for (int p = 0; p < publishers; p++) {
      String sender = "pub_" + p;
      List<Integer> order = got.stream().filter(m -> m.senderId().equals(sender))
          .map(m -> m.payload().getInteger("seq")).collect(Collectors.toList());
      assertThat(order).as("order of " + sender).isSorted().hasSize(each);
    }
  }

  @Test
  void invalidIdsAreRejectedWithClearErrors() {
    MessageBroker a = broker(0);
    Channels ch = a.channels();
    assertThatThrownBy(() -> ch.action("coord/evil", "field", "env_0")).isInstanceOf(InvalidIdException.class)
        .hasMessageContaining("'/'");
    assertThatThrownBy(() -> ch.results("", "agent")).isInstanceOf(InvalidIdException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> ch.broadcast("*", "env_0")).isInstanceOf(InvalidIdException.class);
    assertThatThrownBy(() -> ch.broadcast("x".repeat(129), "env_0")).isInstanceOf(InvalidIdException.class)
        .hasMessageContaining("at most 128");
    assertThatThrownBy(() -> msg("env/0", "a", "b", 1)).isInstanceOf(InvalidIdException.class)
        .hasMessageContaining("env id");
    String env = newEnv();
    Channel good = ch.action("coord", "field", env);
    assertThat(awaitFailure(a.consume(good, "bad id", env))).isInstanceOf(InvalidIdException.class)
        .hasMessageContaining("recipient id");
    Channel foreign = Channels.create("other_ns", ch.registry()).action("coord", "field", env);
    assertThat(awaitFailure(a.publish(foreign, msg(env, "coord", "field", 1))))
        .hasMessageContaining("namespace 'other_ns'");
    assertThat(awaitFailure(a.publish(good, msg("env_elsewhere", "coord", "field", 1))))
        .hasMessageContaining("environment 'env_elsewhere'");
    // nothing else was lost: the channel still works
    await(a.publish(good, msg(env, "coord", "field", 7)));
    assertThat(seqs(await(a.consume(good, "field", env)))).containsExactly(7);
  }

  @Test
  void customTypesMustBeRegistered() {
    MessageBroker a = broker(0);
    String env = newEnv();
    Channel ch = a.channels().results(env, "trader");
    Message bid = Message.builder().envId(env).senderId("mg1").recipientId("trader").custom("market_bid")
        .payload(new JsonObject().put("price", 50.0)).build();
    assertThat(awaitFailure(a.publish(ch, bid))).isInstanceOf(UnknownMessageTypeException.class)
        .hasMessageContaining("market_bid");
    a.messageTypes().register("market_bid", "Trading bid");
    await(a.publish(ch, bid));
    assertThat(await(a.consume(ch, "trader", env))).extracting(Message::customType).containsExactly("market_bid");
  }

  @Test
  void oversizedMessagesAreRefusedAndNothingElseIsLost() {
    MessageBroker a = broker(0, new BrokerOptions().setMaxPayloadBytes(1024));
    String env = newEnv();
    Channel ch = a.channels().action("coord", "field", env);
    await(a.publish(ch, msg(env, "coord", "field", 1)));
    Message big = Message.builder().envId(env).senderId("coord").recipientId("field")
        .type(MessageType.ACTION).payload(new JsonObject().put("blob", "x".repeat(2000))).build();
    assertThat(awaitFailure(a.publish(ch, big))).isInstanceOf(MessageTooLargeException.class)
        .hasMessageContaining("limit of 1024");
    await(a.publish(ch, msg(env, "coord", "field", 2)));
    assertThat(seqs(await(a.consume(ch, "field", env)))).containsExactly(1, 2);
  }

  @Test
  void fullMailboxDropsOldestAndCountsIt() {
    BrokerOptions opts = new BrokerOptions().setMailboxCapacity(3);
    MessageBroker a = broker(0, opts);
    String env = newEnv();
    Channel ch = a.channels().action("coord", "field", env);
    for (int i = 0; i < 5; i++) {
      await(a.publish(ch, msg(env, "coord", "field", i)));
    }
    assertThat(seqs(await(a.consume(ch, "field", env)))).containsExactly(2, 3, 4);
    Counter dropped = opts.getMeterRegistry().find(BrokerMetrics.DROPPED).tag("reason", BrokerMetrics.REASON_OVERFLOW).counter();
    assertThat(dropped).isNotNull();
    assertThat(dropped.count()).isEqualTo(2.0);
  }

  @Test
  void aMailboxIsBoundedInBytesAsWellAsInCount() {
    // each payload is ~1 KB: 4 KB of mailbox holds three of them, whatever the message count allows
    BrokerOptions opts = new BrokerOptions().setMailboxCapacity(1_000).setMailboxMaxBytes(4_000);
    MessageBroker c = broker(nodes() - 1, opts);
    MessageBroker a = broker(0, opts);
    String env = newEnv();
    Channel ch = c.channels().action("coord", "field", env);
    await(c.createChannel(ch));
    for (int i = 0; i < 6; i++) {
      await(a.publish(ch, Message.builder().envId(env).senderId("coord").recipientId("field").timestamp(i)
          .type(MessageType.ACTION).payload(new JsonObject().put("seq", i).put("pad", "p".repeat(1_000))).build()));
    }
    assertThat(seqs(await(c.consume(ch, "field", env)))).containsExactly(3, 4, 5);

    BrokerOptions rejecting = new BrokerOptions().setMailboxMaxBytes(2_500).setOverflowPolicy(OverflowPolicy.REJECT_NEWEST);
    MessageBroker r = broker(0, rejecting);
    Channel ch2 = r.channels().action("coord", "other", env);
    await(r.createChannel(ch2));
    for (int i = 0; i < 2; i++) {
      await(r.publish(ch2, Message.builder().envId(env).senderId("coord").recipientId("other").timestamp(i)
          .type(MessageType.ACTION).payload(new JsonObject().put("seq", i).put("pad", "p".repeat(1_000))).build()));
    }
    assertThat(awaitFailure(r.publish(ch2, Message.builder().envId(env).senderId("coord").recipientId("other").timestamp(2)
        .type(MessageType.ACTION).payload(new JsonObject().put("seq", 2).put("pad", "p".repeat(1_000))).build())))
        .isInstanceOf(io.agentbus.broker.MailboxFullException.class).hasMessageContaining("bytes");
    assertThat(seqs(await(r.consume(ch2, "other", env)))).containsExactly(0, 1);
  }

  @Test
  void fullMailboxCanRejectNewest() {
    BrokerOptions opts = new BrokerOptions().setMailboxCapacity(2).setOverflowPolicy(OverflowPolicy.REJECT_NEWEST);
    MessageBroker c = broker(nodes() - 1, opts);
    MessageBroker a = broker(0, opts);
    String env = newEnv();
    Channel ch = c.channels().action("coord", "field", env);
    await(c.createChannel(ch));
    await(a.publish(ch, msg(env, "coord", "field", 1)));
    await(a.publish(ch, msg(env, "coord", "field", 2)));
    assertThat(awaitFailure(a.publish(ch, msg(env, "coord", "field", 3)))).hasMessageContaining("is full")
        .isInstanceOf(io.agentbus.broker.MailboxFullException.class);
    assertThat(seqs(await(c.consume(ch, "field", env)))).containsExactly(1, 2);
  }

  @Test
  void aMessageTheMailboxRefusesReachesNoSubscriber() {
    // the mailbox on the last node, the publisher and a subscriber on the first: a refused publish
    // must not have been handed to subscribers already (the local path stores first, so must the remote one)
    BrokerOptions opts = new BrokerOptions().setMailboxCapacity(1).setOverflowPolicy(OverflowPolicy.REJECT_NEWEST);
    MessageBroker c = broker(nodes() - 1, opts);
    MessageBroker a = broker(0, opts);
    String env = newEnv();
    Channel ch = c.channels().action("coord", "field", env);
    await(c.createChannel(ch));
    List<Integer> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    await(a.subscribe(ch, m -> seen.add(m.payload().getInteger("seq"))));
    await(a.publish(ch, msg(env, "coord", "field", 1)));
    assertThat(awaitFailure(a.publish(ch, msg(env, "coord", "field", 2)))).isInstanceOf(io.agentbus.broker.MailboxFullException.class);
    await(a.publish(c.channels().action("coord", "other", env), msg(env, "coord", "other", 3))); // a later message, as a barrier
    io.agentbus.testing.Await.sleep(300);
    assertThat(seen).containsExactly(1);
  }

  @Test
  void metricsCountPublishedAndDelivered() {
    BrokerOptions opts = new BrokerOptions();
    MessageBroker a = broker(0, opts);
    String env = newEnv();
    Channel ch = a.channels().action("coord", "field", env);
    await(a.publish(ch, msg(env, "coord", "field", 1)));
    await(a.publish(ch, msg(env, "coord", "field", 2)));
    await(a.consume(ch, "field", env));
    var reg = opts.getMeterRegistry();
    assertThat(reg.get(BrokerMetrics.PUBLISHED).tag("kind", "action").counter().count()).isEqualTo(2.0);
    assertThat(reg.get(BrokerMetrics.DELIVERED).tag("mode", "consume").counter().count()).isEqualTo(2.0);
    assertThat(reg.get(BrokerMetrics.MAILBOX_DEPTH).gauge().value()).isEqualTo(0.0);
  }

  @Test
  void closedBrokerRefusesEveryCall() {
    MessageBroker a = broker(0);
    String env = newEnv();
    Channel ch = a.channels().action("coord", "field", env);
    await(a.close());
    await(a.close());
    assertThat(awaitFailure(a.publish(ch, msg(env, "coord", "field", 1)))).isInstanceOf(BrokerClosedException.class)
        .hasMessageContaining("publish");
    assertThat(awaitFailure(a.consume(ch, "field", env))).isInstanceOf(BrokerClosedException.class);
    assertThat(awaitFailure(a.subscribe(ch, m -> { }))).isInstanceOf(BrokerClosedException.class);
    assertThat(awaitFailure(a.createChannel(ch))).isInstanceOf(BrokerClosedException.class);
    assertThat(awaitFailure(a.clearEnvironment(env))).isInstanceOf(BrokerClosedException.class);
    assertThat(awaitFailure(a.environmentChannels(env))).isInstanceOf(BrokerClosedException.class);
  }

  @Test
  void aClosedOwnersChannelIsTakenOverByTheNextPublisher() {
    Assumptions.assumeFalse(brokersAreShared(), "a single shared broker has no second owner to take over");
    MessageBroker owner0 = broker(nodes() - 1, new BrokerOptions());
    MessageBroker owner = owner0;
    MessageBroker a = broker(0);
    String env = newEnv();
    Channel ch = a.channels().action("coord", "field", env);
    await(owner.createChannel(ch));
    await(a.publish(ch, msg(env, "coord", "field", 1)));
    await(owner.close());
    await(a.publish(ch, msg(env, "coord", "field", 2)));
    assertThat(seqs(await(a.consume(ch, "field", env)))).contains(2);
  }

  /** A coordinator reads every subordinate's info at once, whichever nodes keep the mailboxes. */
  @Test
  void consumeAllReadsSeveralChannelsWhereverTheirMailboxesAre() {
    String env = newEnv();
    MessageBroker reader = broker(0);
    List<Channel> infos = new ArrayList<>();
    List<MessageBroker> writers = new ArrayList<>();
    for (int n = 0; n < nodes(); n++) {
      writers.add(broker(n));
    }
    for (int i = 0; i < 6; i++) {
      // each writer keeps its own channels' mailboxes: two or more on every node
      MessageBroker writer = writers.get(i % nodes());
      Channel ch = writer.channels().info("field_" + i, "coordinator", env);
      await(writer.createChannel(ch));
      for (int k = 0; k <= i; k++) {
        await(writer.publish(ch, msg(env, "field_" + i, "coordinator", 10 * i + k)));
      }
      await(writer.publish(ch, msg(env, "field_" + i, "someone_else", 99)));
      infos.add(ch);
    }
    Channel never = reader.channels().info("field_x", "coordinator", env);
    List<Channel> asked = new ArrayList<>(infos);
    asked.add(never);
    asked.add(infos.get(0));  // named twice: read once
    java.util.Map<Channel, List<Message>> got = await(reader.consumeAll(asked, "coordinator", env, true));
    assertThat(got.keySet()).containsExactly(infos.get(0), infos.get(1), infos.get(2), infos.get(3), infos.get(4),
        infos.get(5), never);
    for (int i = 0; i < 6; i++) {
      List<Integer> expected = new ArrayList<>();
      for (int k = 0; k <= i; k++) {
        expected.add(10 * i + k);
      }
      assertThat(seqs(got.get(infos.get(i)))).as("channel " + i).isEqualTo(expected);
    }
    assertThat(got.get(never)).isEmpty();
    // removed for the recipient, kept for the other one
    assertThat(await(reader.consumeAll(infos, "coordinator", env, true)).values()).allSatisfy(l -> assertThat(l).isEmpty());
    assertThat(seqs(await(reader.consume(infos.get(3), "someone_else", env)))).containsExactly(99);
    // a bad channel fails the call and removes nothing
    await(broker(nodes() - 1).publish(infos.get(1), msg(env, "field_1", "coordinator", 7)));
    Channel foreign = Channels.create("another_ns", reader.channels().registry()).info("field_1", "coordinator", env);
    assertThat(awaitFailure(reader.consumeAll(List.of(infos.get(1), foreign), "coordinator", env, true)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(seqs(await(reader.consume(infos.get(1), "coordinator", env)))).containsExactly(7);
  }
}
