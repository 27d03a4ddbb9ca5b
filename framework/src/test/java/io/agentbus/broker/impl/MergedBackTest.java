package io.agentbus.broker.impl;

import io.agentbus.broker.BrokerOptions;
import io.agentbus.channel.Channel;
import io.agentbus.cluster.SharedMaps;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static io.agentbus.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * After a split, two brokers can each believe they own a channel's mailbox: each side of the
 * split claimed it in its own copy of the claim map, and the merged map keeps only one claim (the
 * larger side's). This reproduces the state a merge leaves — broker {@code b} caching itself as
 * owner and holding messages, the claim map naming {@code a} — on one Vert.x, and checks that the
 * merged-back broker converges: its messages move to the owner, in order, and later publishes and
 * consumes on both brokers see one mailbox.
 */
class MergedBackTest {

  private Vertx vertx;
  private EventBusBrokerImpl a;
  private EventBusBrokerImpl b;
  private AsyncMap<String, String> claimMap;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    BrokerOptions options = new BrokerOptions();
    a = (EventBusBrokerImpl) await(EventBusBrokerImpl.create(vertx, options));
    b = (EventBusBrokerImpl) await(EventBusBrokerImpl.create(vertx, options));
    claimMap = await(SharedMaps.get(vertx, "agentbus." + a.channels().namespace() + ".channels"));
  }

  @AfterEach
  void stop() {
    await(a.close());
    await(b.close());
    await(vertx.close());
  }

  private static Message msg(String text) {
    return Message.of("env", "operator", "mg1", 0, MessageType.BROADCAST, new JsonObject().put("text", text));
  }

  private static List<String> texts(List<Message> ms) {
    return ms.stream().map(m -> m.payload().getString("text")).collect(Collectors.toList());
  }

  @Test
  void theMergedBackBrokerHandsItsMailboxToTheOwnerTheMergeKept() {
    Channel ch = b.channels().broadcast("operator", "env");
    // this side of the split: b claimed the channel and took two messages
    await(b.publish(ch, msg("b1")));
    await(b.publish(ch, msg("b2")));
    // the merge: the other side's claim (a's) wins in the map; a took a message meanwhile
    await(claimMap.put(ch.address(), a.id()));
    await(a.publish(ch, msg("a1")));
    // before the hand-over the brokers disagree: b reads only its own orphan mailbox
    assertEquals(List.of("b1", "b2"), texts(await(b.consume(ch, "mg1", "env", false))));

    await(b.settleMailboxes());

    // one mailbox now, at a: b's messages moved there in their order, nothing is left behind at b
    assertEquals(List.of("a1", "b1", "b2"), texts(await(a.consume(ch, "mg1", "env", false))));
    await(b.publish(ch, msg("b3")));
    assertEquals(List.of("a1", "b1", "b2", "b3"), texts(await(b.consume(ch, "mg1", "env", true))));
    assertEquals(List.of(), texts(await(a.consume(ch, "mg1", "env", true))));
  }

  @Test
  void aMailboxNobodyElseClaimedStaysWhereItIs() {
    Channel ch = b.channels().peer("mg2", "env");
    await(b.publish(ch, msg("b1")));
    await(b.settleMailboxes());
    assertEquals(b.id(), await(claimMap.get(ch.address())));
    assertEquals(List.of("b1"), texts(await(a.consume(ch, "mg1", "env", true))));
  }

  @Test
  void aClaimThatVanishedInTheMergeIsTakenAgain() {
    Channel ch = b.channels().peer("mg3", "env");
    await(b.publish(ch, msg("b1")));
    await(claimMap.remove(ch.address()));
    await(b.settleMailboxes());
    assertEquals(b.id(), await(claimMap.get(ch.address())));
    assertEquals(List.of("b1"), texts(await(a.consume(ch, "mg1", "env", true))));
  }
}
