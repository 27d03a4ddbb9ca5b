package io.agentbus.node;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a node option needs beyond its picocli {@code @Option} (flag, type, default, help): the
 * rules every source's value is held to. The option's config-file key is the field's name; its
 * environment variable is {@code AGENTBUS_} and the key in upper snake case ({@code httpPort} is
 * {@code AGENTBUS_HTTP_PORT}) unless {@link #env()} names another.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
@interface Setting {

  /** Where an option applies; given where it does not, it is refused rather than ignored. */
  enum Scope {
    /** Every node. */
    NODE,
    /** A clustered node only ({@code --cluster}). */
    CLUSTER,
    /** A node running the llm verticle only. */
    LLM
  }

  /** @return the environment variable, when it is not the one derived from the key */
  String env() default "";

  /** @return the smallest value a number may take */
  long min() default Long.MIN_VALUE;

  /** @return the largest value a number may take */
  long max() default Long.MAX_VALUE;

  /** @return the values a text option may take (compared ignoring case), or none for any */
  String[] choices() default {};

  /** @return where the option applies */
  Scope scope() default Scope.NODE;
}
