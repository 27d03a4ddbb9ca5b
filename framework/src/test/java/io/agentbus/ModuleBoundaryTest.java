package io.agentbus;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The boundary between API and implementation, over every module's main sources (so that
 * {@code mvn verify} fails when a crossing creeps in):
 * <ul>
 *   <li>no module uses another module's {@code impl} packages;</li>
 *   <li>an API type refers to its own module's {@code impl} only to create its implementation (the
 *       static factories listed here, as {@code Vertx.vertx()} does), and never returns an impl type;</li>
 *   <li>Vert.x's internals only where listed, each with the reason;</li>
 *   <li>every module has a {@code module-info.java} (or is listed here with the reason it cannot),
 *       exporting exactly its API packages: no {@code impl} package to everyone, and no API package
 *       forgotten.</li>
 * </ul>
 * Tests may use whatever they need.
 */
class ModuleBoundaryTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** API types that create their implementation: each may name these impl classes, nothing else. */
  private static final Map<String, Set<String>> FACTORIES = Map.ofEntries(
      Map.entry("io.agentbus.channel.ChannelRegistry", Set.of("io.agentbus.channel.impl.ChannelRegistryImpl")),
      Map.entry("io.agentbus.agent.AgentRuntime", Set.of("io.agentbus.agent.impl.AgentRuntimeImpl")),
      Map.entry("io.agentbus.broker.MessageBroker", Set.of("io.agentbus.broker.impl.EventBusBrokerImpl",
          "io.agentbus.broker.impl.InMemoryBrokerImpl")),
      Map.entry("io.agentbus.message.MessageTypeRegistry", Set.of("io.agentbus.message.impl.MessageTypeRegistryImpl")),
      Map.entry("io.agentbus.cluster.Leadership", Set.of("io.agentbus.cluster.impl.LeaseLeadership")),
      Map.entry("io.agentbus.cluster.SharedMaps", Set.of("io.agentbus.cluster.impl.SharedMapsImpl")),
      Map.entry("io.agentbus.cluster.Node", Set.of("io.agentbus.cluster.impl.NodeImpl")),
      Map.entry("io.agentbus.cluster.ReachableConsumers", Set.of("io.agentbus.cluster.impl.ReachableConsumersImpl")),
      Map.entry("io.agentbus.grpc.WorkerClient", Set.of("io.agentbus.grpc.impl.WorkerClientImpl")),
      Map.entry("io.agentbus.grpc.AgentRpcHost", Set.of("io.agentbus.grpc.impl.AgentRpcHostImpl")),
      Map.entry("io.agentbus.llm.snapshot.SnapshotStore", Set.of("io.agentbus.llm.snapshot.impl.SharedDataSnapshotStore")),
      Map.entry("io.agentbus.llm.agent.RunStore", Set.of("io.agentbus.llm.agent.impl.SharedDataRunStore")),
      Map.entry("io.agentbus.llm.events.EventSink", Set.of("io.agentbus.llm.events.impl.BusEventSink",
          "io.agentbus.llm.events.impl.CompositeEventSink", "io.agentbus.llm.events.impl.RateLimitedEventSink")),
      Map.entry("io.agentbus.llm.loop.BudgetLedger", Set.of("io.agentbus.llm.loop.impl.SharedDataBudgetLedger")),
      Map.entry("io.agentbus.llm.handoff.OfferLedger", Set.of("io.agentbus.llm.handoff.impl.SharedDataOfferLedger")),
      Map.entry("io.agentbus.llm.handoff.HandoffMarket", Set.of("io.agentbus.llm.handoff.impl.BusHandoffMarket")),
      Map.entry("io.agentbus.llm.LlmClient", Set.of("io.agentbus.llm.impl.OpenAiChatClient")),
      Map.entry("io.agentbus.llm.local.OpenAiEndpoint", Set.of("io.agentbus.llm.local.impl.LlamaLocalModel")),
      Map.entry("io.agentbus.llm.local.LocalModel", Set.of("io.agentbus.llm.local.impl.LlamaLocalModel")),
      Map.entry("io.agentbus.gcp.GoogleCloud", Set.of("io.agentbus.gcp.impl.Bridge", "io.agentbus.gcp.impl.FirestoreOfferLedger",
          "io.agentbus.gcp.impl.FirestoreRunStore", "io.agentbus.gcp.impl.GcsSnapshotStore", "io.agentbus.gcp.impl.PubSubEventSink")),
      Map.entry("io.agentbus.webui.Dashboard", Set.of("io.agentbus.webui.impl.DashboardImpl")));

  /** The only uses of Vert.x's internals, and why. */
  private static final Map<String, String> VERTX_INTERNALS = Map.of(
      "io.agentbus.cluster.impl.ClusterMembership", "VertxInternal: the cluster manager's membership events and this node's id; "
          + "Vert.x 5 exports io.vertx.core.internal for integrations",
      "io.agentbus.cluster.impl.EventBusRegistrations", "VertxInternal: the cluster manager's registration map");

  /** Modules without a descriptor, and why. */
  private static final Map<String, String> WITHOUT_DESCRIPTOR = Map.of(
      "adapters/gcp", "the Google Cloud clients split packages across jars (com.google.firestore.v1 is in "
          + "google-cloud-firestore and proto-google-cloud-firestore-v1), which the module path refuses",
      "verticles", "the node requires agentbus-gcp, which has no descriptor (a named module cannot read the class path)",
      "bench", "requires the node");

  /** Modules that are applications: they export nothing. */
  private static final Set<String> APPLICATIONS = Set.of("examples");

  private static final Pattern EXPORTS = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*(to\\s[^;]+)?;");

  private static final Pattern AGENTBUS_IMPL = Pattern.compile("\\b(io\\.agentbus(?:\\.[a-z][a-z0-9]*)*\\.impl)\\.([A-Z][A-Za-z0-9]*)");
  private static final Pattern VERTX_IMPL = Pattern.compile("\\bio\\.vertx(?:\\.[a-z][a-z0-9]*)*\\.(?:impl|internal)\\.[A-Z]");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([a-z0-9.]+);");

  private record Source(String module, String type, String pkg, String text) {
  }

  private static List<Source> sources() throws IOException {
    List<Source> out = new ArrayList<>();
    List<Path> roots;
    try (Stream<Path> s = Files.find(ROOT, 6, (p, a) -> p.endsWith(Path.of("src", "main", "java")) && a.isDirectory())) {
      roots = s.filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.venv")).toList();
    }
    for (Path root : roots) {
      String module = ROOT.relativize(root.getParent().getParent().getParent()).toString();
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          String text = Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
          Matcher m = PACKAGE.matcher(text);
          String pkg = m.find() ? m.group(1) : "";
          String name = f.getFileName().toString().replace(".java", "");
          out.add(new Source(module, pkg + "." + name, pkg, text));
        }
      }
    }
    return out;
  }

  @Test
  void noModuleUsesAnotherModulesInternalsAndApiTypesOnlyCreateTheirImplementations() throws IOException {
    List<Source> all = sources();
    assertThat(all.stream().map(Source::module).distinct()).as("modules scanned").contains("framework", "verticles", "adapters/grpc");
    Map<String, String> moduleOfPackage = new HashMap<>();
    all.forEach(s -> moduleOfPackage.put(s.pkg(), s.module()));
    Set<String> violations = new TreeSet<>();
    for (Source s : all) {
      boolean isImpl = s.pkg().endsWith(".impl") || s.pkg().contains(".impl.");
      Matcher m = AGENTBUS_IMPL.matcher(s.text());
      while (m.find()) {
        String pkg = m.group(1);
        String used = pkg + "." + m.group(2);
        String owner = moduleOfPackage.get(pkg);
        if (owner != null && !owner.equals(s.module())) {
          violations.add(s.module() + ": " + s.type() + " uses " + used + " of module " + owner);
        } else if (!isImpl && !FACTORIES.getOrDefault(s.type(), Set.of()).contains(used)) {
          violations.add(s.module() + ": API type " + s.type() + " uses " + used + " (not a factory listed here)");
        }
      }
      if (!isImpl && Pattern.compile("(?m)^\\s*(public\\s+)?static\\s+(io\\.agentbus\\S*\\.impl\\.\\S+|[A-Z]\\w*Impl)\\s+\\w+\\(").matcher(s.text())
          .find()) {
        violations.add(s.module() + ": API type " + s.type() + " returns an impl type from a factory");
      }
      if (VERTX_IMPL.matcher(s.text()).find() && !VERTX_INTERNALS.containsKey(s.type())) {
        violations.add(s.module() + ": " + s.type() + " uses Vert.x internals (list it here with the reason, or use the public API)");
      }
    }
    assertThat(violations).as("boundary crossings").isEmpty();
  }

  @Test
  void everyModuleHasADescriptorExportingExactlyItsApiPackages() throws IOException {
    List<Source> all = sources();
    Set<String> violations = new TreeSet<>();
    for (String module : all.stream().map(Source::module).distinct().toList()) {
      Path descriptor = ROOT.resolve(module).resolve("src/main/java/module-info.java");
      if (!Files.exists(descriptor)) {
        if (!WITHOUT_DESCRIPTOR.containsKey(module)) {
          violations.add(module + ": no module-info.java (write one, or list the module here with the reason)");
        }
        continue;
      }
      if (WITHOUT_DESCRIPTOR.containsKey(module)) {
        violations.add(module + ": has a module-info.java now; take it off the list of modules without one");
      }
      String text = Files.readString(descriptor).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
      Set<String> exported = new TreeSet<>();
      Matcher m = EXPORTS.matcher(text);
      while (m.find()) {
        boolean qualified = m.group(2) != null;
        if (!qualified) {
          exported.add(m.group(1));
        }
        if (!qualified && (m.group(1).endsWith(".impl") || m.group(1).contains(".impl."))) {
          violations.add(module + ": exports its implementation package " + m.group(1));
        }
      }
      Set<String> api = new TreeSet<>();
      all.stream().filter(s -> s.module().equals(module) && !s.pkg().isEmpty())
          .filter(s -> !s.pkg().endsWith(".impl") && !s.pkg().contains(".impl."))
          .forEach(s -> api.add(s.pkg()));
      if (APPLICATIONS.contains(module)) {
        exported.forEach(p -> violations.add(module + ": an application exports " + p));
      } else {
        api.stream().filter(p -> !exported.contains(p))
            .forEach(p -> violations.add(module + ": API package " + p + " is not exported"));
      }
    }
    assertThat(violations).as("module descriptors").isEmpty();
  }
}
