package io.agentbus.gcp;

import io.agentbus.llm.contract.EventSinkContract;
import io.agentbus.llm.events.EventSink;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.agentbus.testing.Await.await;

/** The Pub/Sub sink against the event-sink contract, watched through the emulator's REST API. */
class PubSubEventSinkContractIT extends EventSinkContract {

  private final PubSubWatcher watcher = new PubSubWatcher(GcpEmulators.get().pubsubHost());
  private final String workspace = "ct" + UUID.randomUUID().toString().substring(0, 8);
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private GoogleCloud gcp;
  private EventSink sink;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    gcp = GoogleCloud.create(vertx, GcpEmulators.get().options().setWorkspace(workspace).setDeployment("contract"));
    sink = await(gcp.eventSink(null));
    watcher.subscribe(workspace + "-w1", workspace);
    watcher.subscribe(workspace + "-w2", workspace + "-tools");
  }

  @AfterEach
  void stop() {
    await(sink.close());
    await(gcp.close());
    await(vertx.close());
  }

  @Override
  protected EventSink sink() {
    return sink;
  }

  @Override
  protected List<Seen> seen() {
    for (String sub : List.of(workspace + "-w1", workspace + "-w2")) {
      for (JsonObject m : watcher.pullNow(sub)) {
        seen.add(new Seen(m.getJsonObject("attributes").getString("kind"), PubSubWatcher.data(m)));
      }
    }
    return seen;
  }
}
