package io.agentbus.node;

import io.agentbus.agent.AgentModule;
import io.agentbus.agent.AgentRuntime;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The jars given with {@code --agents}: each is loaded in a class loader of its own (the node's
 * classes as parent) and its {@link AgentModule}s register their agent types on the node's runtime,
 * one after the other. A jar without a module, or a module that cannot be created or fails to
 * register, stops the start with a message naming the jar.
 */
final class AgentJars {

  private static final Logger LOG = LoggerFactory.getLogger(AgentJars.class);

  private AgentJars() {
  }

  /** @return completes when every module of every jar has registered */
  static Future<List<String>> register(AgentRuntime runtime, List<Path> jars) {
    List<AgentModule> modules = new ArrayList<>();
    List<Path> origins = new ArrayList<>();
    for (Path jar : jars) {
      List<AgentModule> found;
      try {
        found = load(jar);
      } catch (MalformedURLException | ServiceConfigurationError e) {
        return Future.failedFuture(new IllegalStateException("--agents " + jar + ": " + e.getMessage(), e));
      }
      if (found.isEmpty()) {
        return Future.failedFuture(new IllegalStateException("--agents " + jar + ": the jar names no "
            + AgentModule.class.getName() + " in META-INF/services/" + AgentModule.class.getName()));
      }
      for (AgentModule m : found) {
        modules.add(m);
        origins.add(jar);
      }
    }
    Future<Void> chain = Future.succeededFuture();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < modules.size(); i++) {
      AgentModule m = modules.get(i);
      Path jar = origins.get(i);
      chain = chain.compose(v -> {
        Future<Void> done;
        try {
          done = m.register(runtime);
        } catch (RuntimeException e) {
          done = Future.failedFuture(e);
        }
        return done.recover(err -> Future.failedFuture(new IllegalStateException("--agents " + jar + ": module "
            + m.name() + " did not register: " + err.getMessage(), err))).onSuccess(x -> {
              LOG.info("agents from {}: module {} registered", jar, m.name());
              names.add(m.name());
            });
      });
    }
    return chain.map(v -> names);
  }

  private static List<AgentModule> load(Path jar) throws MalformedURLException {
    URLClassLoader loader = new URLClassLoader("agents:" + jar.getFileName(), new URL[] {jar.toUri().toURL()},
        AgentJars.class.getClassLoader());
    List<AgentModule> found = new ArrayList<>();
    // only the modules this jar names: the node's own class path is the parent, not a source
    for (ServiceLoader.Provider<AgentModule> p : ServiceLoader.load(AgentModule.class, loader).stream().toList()) {
      if (p.type().getClassLoader() == loader) {
        found.add(p.get());
      }
    }
    return found;
  }
}
