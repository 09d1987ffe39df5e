package org.paqet4j.cli.kcptun;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags kcptun-client and kcptun-server share, with kcptun's names, short forms and defaults
 * (kcptun 20210922). kcptun's flag parser accepts one or two dashes before every name, so both are
 * listed. {@link #values} gives them under kcptun's JSON key names.
 */
public class KcptunFlags {

    @Option(
            names = {"--key", "-key"},
            defaultValue = "${env:KCPTUN_KEY:-it's a secrect}",
            description = "pre-shared secret between client and server (default: kcptun's)")
    String key;

    @Option(
            names = {"--crypt", "-crypt"},
            defaultValue = "aes",
            description = "aes, aes-128, aes-192, salsa20, blowfish, twofish, cast5, 3des, tea, xtea, xor, sm4, none")
    String crypt;

    @Option(
            names = {"--mode", "-mode"},
            defaultValue = "fast",
            description = "profiles: fast3, fast2, fast, normal, manual")
    String mode;

    @Option(
            names = {"--mtu", "-mtu"},
            defaultValue = "1350")
    int mtu;

    @Option(
            names = {"--sndwnd", "-sndwnd"},
            description = "send window (client 128, server 1024)")
    Integer sndwnd;

    @Option(
            names = {"--rcvwnd", "-rcvwnd"},
            description = "receive window (client 512, server 1024)")
    Integer rcvwnd;

    @Option(
            names = {"--datashard", "-datashard", "--ds", "-ds"},
            defaultValue = "10")
    int datashard;

    @Option(
            names = {"--parityshard", "-parityshard", "--ps", "-ps"},
            defaultValue = "3")
    int parityshard;

    @Option(
            names = {"--dscp", "-dscp"},
            defaultValue = "0")
    int dscp;

    @Option(
            names = {"--nocomp", "-nocomp"},
            arity = "0..1",
            description = "disable compression")
    boolean nocomp;

    @Option(
            names = {"--acknodelay", "-acknodelay"},
            arity = "0..1")
    boolean acknodelay;

    @Option(
            names = {"--nodelay", "-nodelay"},
            defaultValue = "0")
    int nodelay;

    @Option(
            names = {"--interval", "-interval"},
            defaultValue = "50")
    int interval;

    @Option(
            names = {"--resend", "-resend"},
            defaultValue = "0")
    int resend;

    @Option(
            names = {"--nc", "-nc"},
            defaultValue = "0")
    int nc;

    @Option(
            names = {"--sockbuf", "-sockbuf"},
            defaultValue = "4194304")
    int sockbuf;

    @Option(
            names = {"--smuxver", "-smuxver"},
            defaultValue = "1")
    int smuxver;

    @Option(
            names = {"--smuxbuf", "-smuxbuf"},
            defaultValue = "4194304")
    int smuxbuf;

    @Option(
            names = {"--streambuf", "-streambuf"},
            defaultValue = "2097152")
    int streambuf;

    @Option(
            names = {"--keepalive", "-keepalive"},
            defaultValue = "10",
            description = "seconds between heartbeats")
    int keepalive;

    @Option(
            names = {"--snmplog", "-snmplog"},
            defaultValue = "",
            description = "refused: not supported")
    String snmplog;

    @Option(
            names = {"--snmpperiod", "-snmpperiod"},
            defaultValue = "60")
    int snmpperiod;

    @Option(
            names = {"--log", "-log"},
            defaultValue = "",
            description = "append the output to this file")
    String log;

    @Option(
            names = {"--quiet", "-quiet"},
            arity = "0..1",
            description = "accepted; paqet4j does not log stream open/close at its default level")
    boolean quiet;

    @Option(
            names = {"--tcp", "-tcp"},
            arity = "0..1",
            description = "refused: TCP emulation is not supported")
    boolean tcp;

    @Option(
            names = {"--pprof", "-pprof"},
            arity = "0..1",
            description = "accepted and ignored (Go's profiler)")
    boolean pprof;

    @Option(names = "-c", paramLabel = "FILE", description = "kcptun's JSON config; its keys override the flags")
    Path config;

    /** Every flag under its kcptun JSON key; the windows default by role. */
    Map<String, Object> values(boolean client) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("key", key);
        v.put("crypt", crypt);
        v.put("mode", mode);
        v.put("mtu", mtu);
        v.put("sndwnd", sndwnd != null ? sndwnd : client ? 128 : 1024);
        v.put("rcvwnd", rcvwnd != null ? rcvwnd : client ? 512 : 1024);
        v.put("datashard", datashard);
        v.put("parityshard", parityshard);
        v.put("dscp", dscp);
        v.put("nocomp", nocomp);
        v.put("acknodelay", acknodelay);
        v.put("nodelay", nodelay);
        v.put("interval", interval);
        v.put("resend", resend);
        v.put("nc", nc);
        v.put("sockbuf", sockbuf);
        v.put("smuxver", smuxver);
        v.put("smuxbuf", smuxbuf);
        v.put("streambuf", streambuf);
        v.put("keepalive", keepalive);
        v.put("snmplog", snmplog);
        v.put("snmpperiod", snmpperiod);
        v.put("log", log);
        v.put("quiet", quiet);
        v.put("tcp", tcp);
        v.put("pprof", pprof);
        return v;
    }
}
