package io.agentbus.agent;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The type name a payload class travels under (default: its simple name, as AutoGen names a
 * Python dataclass). Use it when a foreign runtime names the type differently.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PayloadName {
  /** @return the type name on the wire */
  String value();
}
