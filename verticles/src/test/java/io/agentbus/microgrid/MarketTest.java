package io.agentbus.microgrid;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MarketTest {

  @Test
  void clearsAtMidpointsForTheSmallerQuantityBestPricesFirst() {
    List<Market.Order> orders = List.of(
        new Market.Order("mg1", 1.0, 60.0, true),
        new Market.Order("mg2", 0.4, 40.0, false),
        new Market.Order("mg3", 0.8, 45.0, false),
        new Market.Order("mg4", 0.5, 55.0, true));
    List<Market.Trade> trades = Market.clear(orders);
    assertThat(trades).containsExactly(
        new Market.Trade("mg1", "mg2", 0.4, 50.0),
        new Market.Trade("mg1", "mg3", 0.6, 52.5),
        new Market.Trade("mg4", "mg3", 0.2, 50.0));
  }

  @Test
  void noTradeWhenTheBestBidIsBelowTheBestOffer() {
    assertThat(Market.clear(List.of(new Market.Order("a", 1, 40, true), new Market.Order("b", 1, 41, false)))).isEmpty();
  }

  @Test
  void ordersFollowHeronsLimits() {
    assertThat(Market.order("mg1", 0.5)).isEqualTo(new Market.Order("mg1", 0.5, 60.0, true));
    assertThat(Market.order("mg1", -0.5)).isEqualTo(new Market.Order("mg1", 0.5, 40.0, false));
    assertThat(Market.order("mg1", 0.0)).isNull();
    var conf = Market.confirmations("mg3", List.of(new Market.Trade("mg1", "mg3", 0.6, 52.5)));
    assertThat(conf.getString("type")).isEqualTo("trade_confirmations");
    assertThat(conf.getJsonArray("trades").getJsonObject(0).getDouble("quantity")).isEqualTo(-0.6);
  }

  @Test
  void priceSeriesStartsAtFiftyAndIsReproducible() {
    assertThat(PriceSeries.price(0)).isEqualTo(50.0);
    for (int s = 1; s < 48; s++) {
      assertThat(PriceSeries.price(s)).isEqualTo(PriceSeries.price(s + 24)).isBetween(25.0, 90.0);
    }
  }
}
