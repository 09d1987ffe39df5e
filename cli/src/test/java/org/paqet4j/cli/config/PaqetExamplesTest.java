package org.paqet4j.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.paqet4j.kcp.KcpMode;
import org.paqet4j.kcp.KcpTuning;
import org.paqet4j.packet.route.MacAddress;

/** paqet's documented configurations (test resources, copied unchanged) load as paqet reads them. */
class PaqetExamplesTest {

    static LoadedConfig load(String name) throws IOException, ConfigException {
        try (InputStream in = PaqetExamplesTest.class.getResourceAsStream("/paqet-examples/" + name)) {
            assertThat(in).as(name).isNotNull();
            return ConfigLoader.parse(name, in.readAllBytes());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"client.yaml.example", "readme-client.yaml"})
    void clientExamplesLoad(String name) throws Exception {
        LoadedConfig loaded = load(name);
        PaqetConfig c = loaded.config();
        assertThat(loaded.warnings()).isEmpty();
        assertThat(c.role()).isEqualTo(Role.CLIENT);
        assertThat(c.logLevel()).isEqualTo(LogLevel.INFO);
        assertThat(c.socks5()).extracting(s -> s.listen().toString()).containsExactly("127.0.0.1:1080");
        assertThat(c.socks5().getFirst().authenticates()).isFalse();
        assertThat(c.network().interfaceName()).contains("en0");
        assertThat(c.network().ipv4().orElseThrow().addr()).isEqualTo("192.168.1.100:0");
        assertThat(c.network().ipv4().orElseThrow().routerMac()).contains(MacAddress.parse("aa:bb:cc:dd:ee:ff"));
        assertThat(c.server()).contains(new HostPort("10.0.0.100", 9999));
        assertThat(c.transport().conn()).isEqualTo(1);
        KcpConfig kcp = c.transport().kcp();
        assertThat(kcp.mode()).isEqualTo(KcpMode.FAST);
        assertThat(kcp.tuning()).isEqualTo(new KcpTuning(0, 30, 2, true, false, false));
        assertThat(kcp.block()).isEqualTo(BlockCrypt.AES);
        assertThat(kcp.key()).isEqualTo("your-secret-key-here");
        assertThat(kcp.mtu()).isEqualTo(1350);
        assertThat(kcp.sndwnd()).isEqualTo(4096);
        assertThat(kcp.rcvwnd()).isEqualTo(4096);
        assertThat(kcp.smuxkalive()).isEqualTo(Duration.ofSeconds(2));
        assertThat(kcp.smuxktimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(kcp.kdf()).isEqualTo(Kdf.PAQET);
        assertThat(kcp.smuxver()).isEqualTo(2);
        assertThat(c.network().pcapSockbuf()).isEqualTo(4 * 1024 * 1024);
        assertThat(c.network().localFlag()).extracting(FlagCombination::mask).containsExactly((short) (8 | 16));
        assertThat(c.network().carrier()).isEqualTo(Carrier.RAW);
    }

    @ParameterizedTest
    @ValueSource(strings = {"server.yaml.example", "readme-server.yaml"})
    void serverExamplesLoad(String name) throws Exception {
        LoadedConfig loaded = load(name);
        PaqetConfig c = loaded.config();
        assertThat(loaded.warnings()).isEmpty();
        assertThat(c.role()).isEqualTo(Role.SERVER);
        assertThat(c.listen()).contains(new HostPort("", 9999));
        assertThat(c.network().interfaceName()).contains("eth0");
        assertThat(c.network().port()).isEqualTo(9999);
        assertThat(c.network().pcapSockbuf()).isEqualTo(8 * 1024 * 1024);
        assertThat(c.access().deny()).isEqualTo(ConfigDefaults.ACCESS_DENY);
        assertThat(c.transport().kcp().key()).isEqualTo("your-secret-key-here");
    }

    @Test
    void serverExampleHasBothFamiliesOnOnePort() throws Exception {
        NetworkConfig n = load("server.yaml.example").config().network();
        assertThat(n.ipv4().orElseThrow().addr()).isEqualTo("10.0.0.100:9999");
        assertThat(n.ipv6().orElseThrow().addr()).isEqualTo("[::1]:9999");
    }
}
