package io.agentbus.node;

import io.agentbus.node.NodeConfig.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Assembles the {@link LlmConfig} from the parsed options: the endpoint or the bundled model (one
 * of them with the llm verticle), the price pair, the API key from a flag or a file, and where
 * runs, events and snapshots go. What a single option's declaration cannot say is checked here.
 */
final class LlmSettings {

  private static final String LOCAL_MODEL = "smollm2-135m-instruct";

  private LlmSettings() {
  }

  static LlmConfig from(NodeCommand cmd, SettingSources sources, Map<String, String> env) {
    boolean required = cmd.verticles.contains("llm");
    String local = localModel(cmd, sources, env);
    String url = cmd.llmBaseUrl;
    if (local != null && url != null) {
      throw new ConfigException("llmLocal (" + sources.of("llmLocal") + ") and llmBaseUrl (" + sources.of("llmBaseUrl")
          + ") both name the model: choose one");
    }
    if (url == null && required && local == null) {
      throw new ConfigException("the llm verticle needs llmBaseUrl (--llm-base-url or AGENTBUS_LLM_BASE_URL), "
          + "an OpenAI-compatible endpoint such as http://127.0.0.1:8000/v1, or --llm-local for the bundled model");
    }
    if (url != null) {
      try {
        new io.agentbus.llm.OpenAiOptions().setBaseUrl(url);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("bad value for llmBaseUrl (" + sources.of("llmBaseUrl") + "): " + e.getMessage());
      }
    }
    double[] price = price(cmd.llmPrice, sources);
    if (local != null && !sources.given("llmPrice")) {
      price = new double[] {0, 0};  // a local model costs nothing per token
    }
    String key = cmd.llmApiKey;
    if (cmd.llmApiKeyFile != null) {
      if (key != null) {
        throw new ConfigException("llmApiKey (" + sources.of("llmApiKey") + ") and llmApiKeyFile (" + sources.of("llmApiKeyFile")
            + ") both given: keep one");
      }
      key = NodeConfig.secretFile("llmApiKeyFile", cmd.llmApiKeyFile, sources);
    }
    String model = cmd.llmModel != null ? cmd.llmModel : local != null ? LOCAL_MODEL : "gpt-4o-mini";
    return new LlmConfig(url, key, model, price[0], price[1], cmd.llmMaxDailyCostUsd, cmd.llmMaxTokensPerRun,
        cmd.llmMaxTokensPerCall, cmd.llmMaxToolCallsPerMinute, cmd.llmMaxAgents, cmd.llmIdleSeconds, backends(cmd, sources, env),
        local, cmd.llmLocalQueue, cmd.llmMaxBroadcastsPerSecond);
  }

  private static double[] price(String text, SettingSources sources) {
    String[] parts = text.split(",");
    try {
      double prompt = Double.parseDouble(parts[0].trim());
      double completion = Double.parseDouble(parts[1].trim());
      if (parts.length != 2 || !(prompt >= 0) || !(completion >= 0) || Double.isInfinite(prompt) || Double.isInfinite(completion)) {
        throw new NumberFormatException();
      }
      return new double[] {prompt, completion};
    } catch (RuntimeException e) {
      throw new ConfigException("bad value for llmPrice (" + sources.of("llmPrice") + "): expected 'prompt,completion' dollars "
          + "per 1,000 tokens, got '" + text + "'");
    }
  }

  /** The GGUF file of {@code --llm-local}: the value when it names a file, else the bundled model in the cache. */
  private static String localModel(NodeCommand cmd, SettingSources sources, Map<String, String> env) {
    String v = cmd.llmLocal;
    if (v == null || v.equalsIgnoreCase("false")) {
      return null;
    }
    boolean bundled = v.equalsIgnoreCase("true");
    Path file = bundled ? io.agentbus.llm.local.LocalModelOptions.bundledModel(env) : Path.of(v);
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("bad value for llmLocal (" + sources.of("llmLocal") + "): no model file at " + file
          + (bundled ? " (fetch the bundled model with scripts/fetch-model)" : ""));
    }
    return file.toAbsolutePath().toString();
  }

  private static LlmBackends backends(NodeCommand cmd, SettingSources sources, Map<String, String> env) {
    String project = cmd.gcpProject != null ? cmd.gcpProject : NodeConfig.present(env.get("GOOGLE_CLOUD_PROJECT"));
    try {
      new io.agentbus.gcp.GcpOptions().setWorkspace(cmd.llmWorkspace);  // Pub/Sub's rule for topic names, kept there
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad value for llmWorkspace (" + sources.of("llmWorkspace") + "): " + e.getMessage());
    }
    Map<String, String> gcpEnv = new HashMap<>();
    for (String var : LlmBackends.VARIABLES) {
      if (NodeConfig.present(env.get(var)) != null) {
        gcpEnv.put(var, env.get(var).trim());
      }
    }
    LlmBackends b = new LlmBackends(cmd.llmStore, cmd.llmEvents, cmd.llmSnapshots, project, cmd.llmWorkspace, gcpEnv);
    if (b.usesGcp() && project == null) {
      String which = cmd.llmStore.equals("firestore") ? "--llm-store firestore"
          : cmd.llmEvents.equals("pubsub") ? "--llm-events pubsub" : "--llm-snapshots gcs";
      throw new ConfigException(which + " needs a Google Cloud project: --gcp-project (AGENTBUS_GCP_PROJECT or GOOGLE_CLOUD_PROJECT)");
    }
    return b;
  }
}
