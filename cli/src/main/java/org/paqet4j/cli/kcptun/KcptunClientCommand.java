package org.paqet4j.cli.kcptun;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paqet kcptun client}: kcptun-client's flags and defaults. */
@Command(
        name = "client",
        mixinStandardHelpOptions = true,
        description = "Runs as kcptun-client does, with its flags: TCP on --localaddr, each connection a stream to"
                + " the kcptun server at --remoteaddr.")
final class KcptunClientCommand extends KcptunSideCommand {

    @Option(
            names = {"-l", "--localaddr", "-localaddr"},
            defaultValue = ":12948",
            description = "local listen address")
    String localaddr;

    @Option(
            names = {"-r", "--remoteaddr", "-remoteaddr"},
            defaultValue = "vps:29900",
            description = "kcp server address")
    String remoteaddr;

    @Option(
            names = {"--conn", "-conn"},
            defaultValue = "1",
            description = "UDP connections to the server")
    int conn;

    @Option(
            names = {"--autoexpire", "-autoexpire"},
            defaultValue = "0",
            description = "not applied; 0 = never")
    int autoexpire;

    @Option(
            names = {"--scavengettl", "-scavengettl"},
            defaultValue = "600",
            description = "accepted (no autoexpire)")
    int scavengettl;

    @Override
    boolean client() {
        return true;
    }

    @Override
    Map<String, Object> sideValues() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("localaddr", localaddr);
        v.put("remoteaddr", remoteaddr);
        v.put("conn", conn);
        v.put("autoexpire", autoexpire);
        v.put("scavengettl", scavengettl);
        return v;
    }
}
