package io.agentbus.node;

import io.agentbus.node.NodeCommand.Declared;
import io.agentbus.node.NodeConfig.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Where each option's value comes from, below the command line: its environment variable, then the
 * JSON config file ({@code --config} / {@code AGENTBUS_CONFIG}), then its declared default. picocli
 * asks it for the value of every option the command line leaves out; it remembers which source
 * answered, so that an error names it ({@code environment variable AGENTBUS_HTTP_PORT},
 * {@code key 'httpPort' in node.json}).
 *
 * <p>A config file's values are held to the same rules as text: a JSON {@code null} is refused
 * (leave the key out for the default), arrays are lists, an unknown key is an error.
 */
final class SettingSources implements CommandLine.IDefaultValueProvider {

  private final Map<String, String> env;
  private final Map<String, String> file = new HashMap<>();
  private final String fileName;
  private final Map<String, String> given = new HashMap<>();
  private final Map<String, String> source = new HashMap<>();

  private SettingSources(Map<String, String> env, String fileName) {
    this.env = env;
    this.fileName = fileName;
  }

  /**
   * @param args the command line, read only for {@code --config}
   * @param env the environment
   * @return the sources, with the config file read and checked
   */
  static SettingSources read(String[] args, Map<String, String> env) {
    String fileName = env.get(NodeCommand.byKey("config").env());
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        fileName = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        fileName = args[i].substring("--config=".length());
      }
    }
    SettingSources s = new SettingSources(env, fileName == null || fileName.isBlank() ? null : fileName.trim());
    if (s.fileName != null) {
      s.readFile();
    }
    return s;
  }

  private void readFile() {
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(Path.of(fileName)));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + fileName + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new ConfigException("config file " + fileName + " is not a JSON object: " + e.getMessage());
    }
    for (Map.Entry<String, Object> e : json) {
      String where = "key '" + e.getKey() + "' in " + fileName;
      if (e.getKey().equals("config") || NodeCommand.declared().stream().noneMatch(d -> d.key().equals(e.getKey()))) {
        throw new ConfigException("unknown key '" + e.getKey() + "' (" + where + ")");
      }
      file.put(e.getKey(), text(e.getKey(), e.getValue(), where));
    }
  }

  /** A JSON value as the text a flag would carry: lists comma-joined, objects as k=v pairs; null refused. */
  private static String text(String key, Object v, String where) {
    if (v == null) {
      throw new ConfigException("bad value for " + key + " (" + where + "): null; leave the key out to use the default");
    }
    if (v instanceof JsonArray a) {
      StringJoiner j = new StringJoiner(",");
      for (Object x : a) {
        if (x == null || x instanceof JsonArray || x instanceof JsonObject) {
          throw new ConfigException("bad value for " + key + " (" + where + "): expected a list of values, got " + a.encode());
        }
        j.add(String.valueOf(x));
      }
      return j.toString();
    }
    if (v instanceof JsonObject o) {
      StringJoiner j = new StringJoiner(",");
      for (Map.Entry<String, Object> e : o) {
        if (e.getValue() == null || e.getValue() instanceof JsonArray || e.getValue() instanceof JsonObject) {
          throw new ConfigException("bad value for " + key + " (" + where + "): expected name-value pairs, got " + o.encode());
        }
        j.add(e.getKey() + "=" + e.getValue());
      }
      return j.toString();
    }
    return String.valueOf(v);
  }

  @Override
  public String defaultValue(ArgSpec spec) {
    if (!(spec instanceof OptionSpec o) || o.usageHelp() || o.versionHelp() || !(o.userObject() instanceof Field f)) {
      return null;
    }
    Declared d = NodeCommand.byKey(f.getName());
    String v = env.get(d.env());
    if (v != null && !v.isBlank()) {
      return remember(d.key(), v.trim(), "environment variable " + d.env());
    }
    v = file.get(d.key());
    if (v != null) {
      return remember(d.key(), v, "key '" + d.key() + "' in " + fileName);
    }
    return null;
  }

  private String remember(String key, String value, String where) {
    given.put(key, value);
    source.put(key, where);
    return value;
  }

  /** Records that the command line gave the option. */
  void fromCommandLine(String key, String flag) {
    source.put(key, flag);
  }

  /**
   * @param key an option's key
   * @param value the value that was refused, when known
   * @return where the option's value came from: its flag, variable, file key, or "default"
   */
  String of(String key, String value) {
    String where = source.get(key);
    if (value != null && (where == null || !value.equals(given.get(key)))) {
      return NodeCommand.byKey(key).flag();  // a refused value no lower source gave came from the command line
    }
    return where == null ? "default" : where;
  }

  /** @return where the option's value came from */
  String of(String key) {
    return of(key, null);
  }

  /** @return whether any source but the declared default gave the option */
  boolean given(String key) {
    return source.containsKey(key);
  }
}
