package io.agentbus.node;

import io.agentbus.cluster.NodeOptions;
import io.agentbus.node.NodeCommand.Declared;
import io.agentbus.node.NodeConfig.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The node's rules for values, the same from every source: numbers are read exactly
 * ({@code 22601.9} is not a port, {@code 4294989601} is not wrapped into one), booleans are
 * {@code true} or {@code false}, text is never blank, and each value lies within its
 * {@link Setting}'s bounds and choices. picocli converts with {@link #register}; what it refuses
 * is {@link #explain explained} with the option's key and source.
 */
final class StrictValues {

  private static final String INVALID = "Invalid value for option '";

  private StrictValues() {
  }

  /** Installs the strict converters for the number and boolean types. */
  static void register(CommandLine cl) {
    ITypeConverter<Integer> integer = s -> {
      long n = integral(s);
      if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
        throw new TypeConversionException("expected an integer, got " + s.trim() + " (out of range)");
      }
      return (int) n;
    };
    ITypeConverter<Long> longs = StrictValues::integral;
    ITypeConverter<Double> number = s -> {
      try {
        double d = Double.parseDouble(s.trim());
        if (Double.isFinite(d)) {
          return d;
        }
      } catch (NumberFormatException e) {
        // refused below
      }
      throw new TypeConversionException("expected a number, got '" + s + "'");
    };
    ITypeConverter<Boolean> bool = s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new TypeConversionException("expected true or false, got '" + s + "'");
    };
    cl.registerConverter(int.class, integer).registerConverter(Integer.class, integer)
        .registerConverter(long.class, longs).registerConverter(Long.class, longs)
        .registerConverter(double.class, number).registerConverter(Double.class, number)
        .registerConverter(boolean.class, bool).registerConverter(Boolean.class, bool);
  }

  private static long integral(String s) {
    try {
      return NodeOptions.integral(s);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** @return picocli's refusal as ours: the key, where the value came from, what was expected */
  static ConfigException explain(CommandLine.ParameterException e, SettingSources sources) {
    String message = e.getMessage();
    if (e.getArgSpec() instanceof OptionSpec o && o.userObject() instanceof Field f) {
      String why = message.startsWith(INVALID) && message.indexOf("': ") > 0 ? message.substring(message.indexOf("': ") + 3) : message;
      return new ConfigException("bad value for " + f.getName() + " (" + sources.of(f.getName(), e.getValue()) + "): " + why);
    }
    String missing = "Missing required parameter for option '";
    if (message.startsWith(missing)) {
      return new ConfigException(message.substring(missing.length(), message.indexOf('\'', missing.length())) + " needs a value");
    }
    return new ConfigException(message);
  }

  /**
   * Holds every given value to its declaration: bounds, choices, no blank text. Text is trimmed,
   * choices lower-cased and lists cleared of empty items in place.
   */
  static void check(NodeCommand cmd, SettingSources sources) {
    for (Declared d : NodeCommand.declared()) {
      Object v;
      try {
        v = d.field().get(cmd);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      if (v == null) {
        continue;
      }
      Setting s = d.setting();
      String bad = "bad value for " + d.key() + " (" + sources.of(d.key()) + "): ";
      if (v instanceof Number n && s != null) {
        boolean below = n instanceof Double ? n.doubleValue() < s.min() : n.longValue() < s.min();
        boolean above = n instanceof Double ? n.doubleValue() > s.max() : n.longValue() > s.max();
        if (below || above) {
          throw new ConfigException(bad + (s.max() == Long.MAX_VALUE ? "must be at least " + s.min() : "must be " + s.min() + ".." + s.max())
              + ", got " + v);
        }
      } else if (v instanceof String text) {
        set(d, cmd, choice(d, text, bad));
      } else if (v instanceof List<?> list) {
        List<String> items = new ArrayList<>();
        for (Object x : list) {
          if (!String.valueOf(x).isBlank()) {
            items.add(choice(d, String.valueOf(x), bad));
          }
        }
        set(d, cmd, List.copyOf(items));
      }
    }
  }

  private static String choice(Declared d, String text, String bad) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw new ConfigException(bad + "empty");
    }
    if (d.setting() == null || d.setting().choices().length == 0) {
      return t;
    }
    String lower = t.toLowerCase(Locale.ROOT);
    if (!Arrays.asList(d.setting().choices()).contains(lower)) {
      throw new ConfigException(bad + "expected one of " + Arrays.toString(d.setting().choices()) + ", got '" + t + "'");
    }
    return lower;
  }

  private static void set(Declared d, NodeCommand cmd, Object v) {
    try {
      d.field().set(cmd, v);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
