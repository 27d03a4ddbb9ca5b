package io.agentbus.gcp.impl;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.AckReplyConsumer;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.TopicName;
import io.agentbus.llm.agent.Intention;
import io.agentbus.llm.agent.ToolAudit;
import io.agentbus.llm.events.EventSink;
import io.agentbus.llm.handoff.HandoffMarket;
import io.agentbus.llm.handoff.HandoffOffer;
import io.agentbus.llm.handoff.HandoffRefusedException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link EventSink} on Pub/Sub: intentions on topic {@code {workspace}}, tool audit on
 * {@code {workspace}-tools}, handoff offers on {@code {workspace}-handoff}, all JSON with the run
 * id as ordering key (so one run's events arrive in order) and attributes {@code kind},
 * {@code runId}, {@code agentType} and {@code origin} (this deployment). Topics are created when
 * absent.
 *
 * <p>It also brings other deployments' offers in: subscription
 * {@code {workspace}-handoff-{deployment}} (shared by the nodes of one cluster, so each offer
 * comes in once per cluster) hands every offer whose origin is not ours to
 * {@link HandoffMarket#adopt}; with a Firestore ledger both deployments share the claim, so
 * exactly one agent anywhere wins it.
 */
public final class PubSubEventSink implements EventSink {

  private static final Logger LOG = LoggerFactory.getLogger(PubSubEventSink.class);
  private final Bridge bridge;
  private final String project;
  private final String workspace;
  private final String deployment;
  private final TransportChannelProvider channels;
  private final CredentialsProvider credentials;
  private io.opentelemetry.api.OpenTelemetry openTelemetry = io.opentelemetry.api.OpenTelemetry.noop();
  private final AtomicLong imported = new AtomicLong();
  private final AtomicLong publishFailures = new AtomicLong();
  private Publisher intentions;
  private Publisher tools;
  private Publisher handoffs;
  private Subscriber offersIn;

  /**
   * @param bridge futures and worker threads
   * @param project the project
   * @param workspace the topic prefix
   * @param deployment this deployment's name (origin attribute, subscription suffix)
   * @param channels the transport (null: the client's default, the real service)
   * @param credentials the credentials (null: Application Default Credentials)
   */
  public PubSubEventSink(Bridge bridge, String project, String workspace, String deployment, TransportChannelProvider channels,
                         CredentialsProvider credentials) {
    this.bridge = bridge;
    this.project = project;
    this.workspace = workspace;
    this.deployment = deployment;
    this.channels = channels;
    this.credentials = credentials;
  }

  /**
   * @param otel where the Pub/Sub client reports its publish and receive spans
   * @return this
   */
  public PubSubEventSink withOpenTelemetry(io.opentelemetry.api.OpenTelemetry otel) {
    this.openTelemetry = otel;
    return this;
  }

  private boolean tracing() {
    return openTelemetry != io.opentelemetry.api.OpenTelemetry.noop();
  }

  /** @return the topic names: intentions, tools, handoffs */
  public List<String> topics() {
    return List.of(workspace, workspace + "-tools", workspace + "-handoff");
  }

  /** @return the subscription that brings other deployments' offers in */
  public String offerSubscription() {
    return workspace + "-handoff-" + deployment;
  }

  /**
   * Creates what is absent (the three topics, the offer subscription), starts the publishers and,
   * when {@code market} is given, the subscriber that adopts foreign offers into it.
   *
   * @param market where foreign offers go (null: none are imported)
   * @return done when publishing and importing can begin
   */
  public Future<PubSubEventSink> start(HandoffMarket market) {
    Context context = bridge.vertx().getOrCreateContext();
    return bridge.blocking(() -> {
      TopicAdminSettings.Builder ts = TopicAdminSettings.newBuilder();
      SubscriptionAdminSettings.Builder ss = SubscriptionAdminSettings.newBuilder();
      if (channels != null) {
        ts.setTransportChannelProvider(channels);
        ss.setTransportChannelProvider(channels);
      }
      if (credentials != null) {
        ts.setCredentialsProvider(credentials);
        ss.setCredentialsProvider(credentials);
      }
      try (TopicAdminClient admin = TopicAdminClient.create(ts.build())) {
        for (String t : topics()) {
          try {
            admin.createTopic(TopicName.of(project, t));
          } catch (AlreadyExistsException ignored) {
            // made by another node or an earlier run
          }
        }
      }
      if (market != null) {
        try (SubscriptionAdminClient admin = SubscriptionAdminClient.create(ss.build())) {
          try {
            admin.createSubscription(Subscription.newBuilder()
                .setName(ProjectSubscriptionName.of(project, offerSubscription()).toString())
                .setTopic(TopicName.of(project, workspace + "-handoff").toString())
                .setAckDeadlineSeconds(30).setEnableMessageOrdering(true).build());
          } catch (AlreadyExistsException ignored) {
            // another node of this deployment made it
          }
        }
      }
      intentions = publisher(workspace);
      tools = publisher(workspace + "-tools");
      handoffs = publisher(workspace + "-handoff");
      if (market != null) {
        Subscriber.Builder sb = Subscriber.newBuilder(ProjectSubscriptionName.of(project, offerSubscription()),
            (com.google.cloud.pubsub.v1.MessageReceiver) (message, reply) -> context.runOnContext(v -> receive(market, message, reply)));
        if (channels != null) {
          sb.setChannelProvider(channels);
        }
        if (credentials != null) {
          sb.setCredentialsProvider(credentials);
        }
        if (tracing()) {
          sb.setOpenTelemetry(openTelemetry).setEnableOpenTelemetryTracing(true);
        }
        offersIn = sb.setParallelPullCount(1).build();
        offersIn.startAsync().awaitRunning(30, TimeUnit.SECONDS);
      }
      return this;
    });
  }

  private Publisher publisher(String topic) throws java.io.IOException {
    Publisher.Builder b = Publisher.newBuilder(TopicName.of(project, topic)).setEnableMessageOrdering(true);
    if (tracing()) {
      b.setOpenTelemetry(openTelemetry).setEnableOpenTelemetryTracing(true);
    }
    if (channels != null) {
      b.setChannelProvider(channels);
    }
    if (credentials != null) {
      b.setCredentialsProvider(credentials);
    }
    return b.build();
  }

  private void receive(HandoffMarket market, PubsubMessage message, AckReplyConsumer reply) {
    if (deployment.equals(message.getAttributesOrDefault("origin", ""))) {
      reply.ack();  // our own offer, already in our market
      return;
    }
    HandoffOffer offer;
    try {
      offer = HandoffOffer.fromJson(new JsonObject(message.getData().toString(StandardCharsets.UTF_8)));
    } catch (RuntimeException e) {
      LOG.warn("dropped a message on {}-handoff that is not a handoff offer ({}): {}", workspace, message.getMessageId(),
          e.getMessage());
      reply.ack();
      return;
    }
    market.adopt(offer).onComplete(ar -> {
      if (ar.succeeded()) {
        imported.incrementAndGet();
        reply.ack();
      } else if (ar.cause() instanceof HandoffRefusedException) {
        reply.ack();  // expired: nobody can claim it
      } else {
        LOG.warn("could not adopt offer {} from deployment {}: {} (redelivered later)", offer.id(),
            message.getAttributesOrDefault("origin", "?"), ar.cause().getMessage());
        reply.nack();
      }
    });
  }

  /** @return how many foreign offers were adopted */
  public long importedOffers() {
    return imported.get();
  }

  /** @return how many publishes failed */
  public long publishFailures() {
    return publishFailures.get();
  }

  private Future<Void> publish(Publisher publisher, String kind, String runId, String agentType, JsonObject json) {
    if (publisher == null) {
      return Future.failedFuture(new IllegalStateException("the Pub/Sub sink is not started"));
    }
    String key = runId == null ? "" : runId;
    PubsubMessage.Builder m = PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(json.encode())).setOrderingKey(key)
        .putAllAttributes(Map.of("kind", kind, "origin", deployment));
    if (runId != null) {
      m.putAttributes("runId", runId);
    }
    if (agentType != null) {
      m.putAttributes("agentType", agentType);
    }
    return bridge.of(publisher.publish(m.build())).<Void>mapEmpty().onFailure(err -> {
      publishFailures.incrementAndGet();
      publisher.resumePublish(key);  // an ordering key stops after a failure until resumed
    });
  }

  @Override
  public Future<Void> intention(String agentType, Intention intention) {
    return publish(intentions, "intention", intention.runId(), agentType, intention.toJson());
  }

  @Override
  public Future<Void> toolAudit(String agentType, ToolAudit audit) {
    return publish(tools, "tool_audit", audit.runId(), agentType, new JsonObject().put("run_id", audit.runId())
        .put("agent", audit.agent()).put("tool", audit.tool()).put("arguments", audit.arguments()).put("outcome", audit.outcome())
        .put("detail", audit.detail()).put("millis", audit.millis()));
  }

  @Override
  public Future<Void> budgetWarning(io.agentbus.llm.agent.BudgetWarning w) {
    return publish(intentions, "budget_warning", w.runId(), null, new JsonObject().put("scope", w.scope())
        .put("cost_usd_today", w.costUsdToday()).put("max_daily_cost_usd", w.maxDailyCostUsd()).put("fraction", w.fraction())
        .put("run_id", w.runId()).put("agent", w.agent()).put("timestamp", w.timestamp()));
  }

  @Override
  public Future<Void> handoffOffered(HandoffOffer offer) {
    return publish(handoffs, "handoff_offer", offer.runId(), null, offer.toJson());
  }

  @Override
  public Future<Void> close() {
    return bridge.blocking(() -> {
      if (offersIn != null) {
        offersIn.stopAsync();
      }
      for (Publisher p : new Publisher[] {intentions, tools, handoffs}) {
        if (p != null) {
          p.shutdown();
          p.awaitTermination(10, TimeUnit.SECONDS);
        }
      }
      if (offersIn != null) {
        offersIn.awaitTerminated(10, TimeUnit.SECONDS);
      }
      return null;
    });
  }
}
