package org.paqet4j.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.PaqetConfig;
import org.paqet4j.kcp.KcpConfig;
import org.paqet4j.kcp.KcpMode;
import org.paqet4j.kcp.KcpTuning;

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
}
