package dev.accord.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class HttpListenTest {
  @Test
  void readsAnAddressOrOff() {
    assertThat(HttpListen.parse(":9090")).contains(new InetSocketAddress(9090));
    assertThat(HttpListen.parse("127.0.0.1:9191"))
        .contains(new InetSocketAddress("127.0.0.1", 9191));
    assertThat(HttpListen.parse("off")).isEmpty();
    assertThat(HttpListen.parse("OFF")).isEmpty();
  }

  @Test
  void aBadValueIsRefusedNamingTheSetting() {
    for (String bad : new String[] {"9090", "localhost:http", ":70000", ""}) {
      assertThatThrownBy(() -> HttpListen.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("ACCORD_HTTP_LISTEN (--http-listen)")
          .hasMessageContaining("or off")
          .hasMessageContaining("\"" + bad + "\"");
    }
  }
}
