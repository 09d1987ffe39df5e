package org.paqet4j.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.Kdf;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpMode;
import org.paqet4j.kcp.KcpTuning;
import org.paqet4j.tunnel.session.StreamCompression;
import org.paqet4j.tunnel.session.TransportSettings;

/** The configured mode reaches the KCP session through kcp's one preset table, from YAML to {@link KcpConfig}. */
class TransportFactoryTest {

    private static PaqetConfig client(String kcp) throws Exception {
        String text = """
        role: client
        network:
          ipv4: {addr: "198.18.0.2:0"}
        server: {addr: "198.18.0.1:9999"}
        socks5: [{listen: "127.0.0.1:1080"}]
        transport:
          kcp: {key: k, mtu: 1300, sndwnd: 100, rcvwnd: 200, %s}
        """.formatted(kcp);
        return ConfigLoader.parse("t.yaml", text).config();
    }

    @ParameterizedTest
    @EnumSource(KcpMode.class)
    void eachModeMapsToItsRowOfTheKcpTable(KcpMode mode) throws Exception {
        PaqetConfig config = client("mode: " + mode.configName());
        assertThat(config.transport().kcp().mode()).isEqualTo(mode);
        KcpConfig kcp = TransportFactory.settings(config).kcp();
        assertThat(kcp.tuning()).isEqualTo(mode.tuning());
        assertThat(kcp.mtu()).isEqualTo(1300);
        assertThat(kcp.sndwnd()).isEqualTo(100);
        assertThat(kcp.rcvwnd()).isEqualTo(200);
        assertThat(kcp.streamMode()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = KcpMode.class, names = "MANUAL", mode = EnumSource.Mode.EXCLUDE)
    void aPresetIgnoresTheManualKnobs(KcpMode mode) throws Exception {
        PaqetConfig config = client("mode: " + mode.configName() + ", nodelay: 1, interval: 99, resend: 1, "
                + "nocongestion: 0, wdelay: true, acknodelay: true");
        assertThat(TransportFactory.settings(config).kcp().tuning()).isEqualTo(mode.tuning());
    }

    @Test
    void manualTakesEveryKnobFromTheFile() throws Exception {
        PaqetConfig config = client("mode: manual, nodelay: 1, interval: 99, resend: 1, nocongestion: 1, "
                + "wdelay: true, acknodelay: true");
        assertThat(TransportFactory.settings(config).kcp().tuning())
                .isEqualTo(new KcpTuning(1, 99, 1, true, true, true));
    }

    private static PaqetConfig kcptunServer(String extra) throws Exception {
        String text = """
        role: server
        listen: {addr: "127.0.0.1:29900"}
        transport: {kcp: {key: secret}}
        kcptun: {target: "127.0.0.1:22"%s}
        """.formatted(extra);
        return ConfigLoader.parse("k.yaml", text).config();
    }

    @Test
    void kcptunModeDefaultsAreKcptunsDefaults() throws Exception {
        PaqetConfig config = kcptunServer("");
        org.paqet4j.cli.config.KcpConfig kcp = config.transport().kcp();
        assertThat(kcp.dshard()).isEqualTo(10);
        assertThat(kcp.pshard()).isEqualTo(3);
        assertThat(kcp.smuxver()).isEqualTo(1);
        assertThat(kcp.kdf()).isEqualTo(Kdf.KCPTUN);
        assertThat(kcp.block().yamlName()).isEqualTo("aes");
        assertThat(kcp.smuxkalive()).isEqualTo(Duration.ofSeconds(10));
        assertThat(kcp.smuxktimeout()).isEqualTo(Duration.ofSeconds(30));
        TransportSettings settings = TransportFactory.settings(config);
        assertThat(settings.compression()).isEqualTo(StreamCompression.SNAPPY);
        assertThat(settings.mux().version()).isEqualTo(1);
        assertThat(settings.kcp().tuning()).isEqualTo(KcpMode.FAST.tuning());
    }

    @Test
    void kcptunNocompTurnsCompressionOff() throws Exception {
        assertThat(TransportFactory.settings(kcptunServer(", nocomp: true")).compression())
                .isEqualTo(StreamCompression.NONE);
    }

    @Test
    void paqetModeNeverCompresses() throws Exception {
        assertThat(TransportFactory.settings(client("mode: fast")).compression())
                .isEqualTo(StreamCompression.NONE);
    }
}
