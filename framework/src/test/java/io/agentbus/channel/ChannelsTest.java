package io.agentbus.channel;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelsTest {

  private final ChannelRegistry registry = ChannelRegistry.create();
  private final Channels channels = Channels.create("grid", registry);

  @Test
  void buildsEveryHeronChannelInOneNamespacedScheme() {
    assertThat(channels.action("coordinator_1", "field_1", "env_0").address())
        .isEqualTo("grid/env/env_0/action/coordinator_1/field_1");
    assertThat(channels.info("field_1", "coordinator_1", "env_0").address())
        .isEqualTo("grid/env/env_0/info/field_1/coordinator_1");
    assertThat(channels.broadcast("coordinator_1", "env_0").address()).isEqualTo("grid/env/env_0/broadcast/coordinator_1");
    assertThat(channels.stateUpdates("env_0").address()).isEqualTo("grid/env/env_0/state_updates");
    assertThat(channels.results("env_0", "field_1").address()).isEqualTo("grid/env/env_0/results/field_1");
  }

  @Test
  void customKindsMustBeRegisteredAndCannotShadowBuiltIns() {
    assertThatThrownBy(() -> channels.custom("market", "env_0", "trader_1")).hasMessageContaining("not registered");
    registry.register("market", "P2P trading");
    assertThat(channels.custom("market", "env_0", "trader_1").address()).isEqualTo("grid/env/env_0/market/trader_1");
    assertThatThrownBy(() -> registry.register("action", "")).hasMessageContaining("built in");
    assertThat(registry.all()).containsOnlyKeys("market");
  }

  @Test
  void parseIsTheInverseOfAddress() {
    Channel c = channels.action("a", "b", "env_9");
    Channel p = Channel.parse(c.address());
    assertThat(p).isEqualTo(c);
    assertThat(p.envId()).isEqualTo("env_9");
    assertThat(p.kind()).isEqualTo("action");
    assertThat(p.details()).containsExactly("a", "b");
    assertThatThrownBy(() -> Channel.parse("grid/env//action")).isInstanceOf(InvalidIdException.class);
    assertThatThrownBy(() -> Channel.parse("grid/other/e/action")).isInstanceOf(InvalidIdException.class);
  }

  @Test
  void noIdCanForgeAnotherChannelsAddress() {
    // "a/b" as an upstream id would otherwise produce env_0's action channel from a to b/c
    for (String evil : List.of("a/b", "..", ".", "a b", "a\nb", "a*", "a>", "a#", "a:b", "é", "")) {
      assertThatThrownBy(() -> channels.action(evil, "c", "env_0")).as(evil).isInstanceOf(InvalidIdException.class);
      assertThatThrownBy(() -> channels.stateUpdates(evil)).as(evil).isInstanceOf(InvalidIdException.class);
    }
    assertThat(Ids.isValid("x".repeat(Ids.MAX_LENGTH))).isTrue();
    assertThat(Ids.isValid("x".repeat(Ids.MAX_LENGTH + 1))).isFalse();
  }

  @Test
  void agentChannelsCoverTheHierarchy() {
    Channels.AgentChannels ch = channels.agentChannels("mg1", "dso", List.of("gen", "ess"), "env_0");
    assertThat(ch.subscribe()).containsExactly(
        channels.action("dso", "mg1", "env_0"), channels.broadcast("dso", "env_0"),
        channels.info("gen", "mg1", "env_0"), channels.info("ess", "mg1", "env_0"));
    assertThat(ch.publish()).containsExactly(
        channels.info("mg1", "dso", "env_0"), channels.action("mg1", "gen", "env_0"),
        channels.action("mg1", "ess", "env_0"), channels.broadcast("mg1", "env_0"));
    Channels.AgentChannels top = channels.agentChannels("dso", null, List.of("mg1"), "env_0");
    assertThat(top.subscribe()).containsExactly(channels.info("mg1", "dso", "env_0"));
  }
}
