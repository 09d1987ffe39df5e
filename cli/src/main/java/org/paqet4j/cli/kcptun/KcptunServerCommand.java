package org.paqet4j.cli.kcptun;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paqet kcptun server}: kcptun-server's flags and defaults. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description =
                "Runs as kcptun-server does, with its flags: KCP on --listen, every stream connected to --target.")
final class KcptunServerCommand extends KcptunSideCommand {

    @Option(
            names = {"-l", "--listen", "-listen"},
            defaultValue = ":29900",
            description = "kcp server listen address")
    String listen;

    @Option(
            names = {"-t", "--target", "-target"},
            defaultValue = "127.0.0.1:12948",
            description = "target server address")
    String target;

    @Override
    boolean client() {
        return false;
    }

    @Override
    Map<String, Object> sideValues() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("listen", listen);
        v.put("target", target);
        return v;
    }
}
