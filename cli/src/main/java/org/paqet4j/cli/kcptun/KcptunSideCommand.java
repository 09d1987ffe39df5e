package org.paqet4j.cli.kcptun;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.paqet4j.cli.ExitCodes;
import org.paqet4j.cli.config.ConfigException;
import org.paqet4j.cli.config.ConfigLoader;
import org.paqet4j.cli.config.LoadedConfig;
import org.paqet4j.cli.config.LogLevel;
import org.paqet4j.cli.log.Logging;
import org.paqet4j.cli.run.TunnelProcess;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code paqet kcptun client|server}: kcptun's command line (and {@code -c} JSON) turned into the
 * equivalent kcptun-mode configuration, checked by the same rules as a YAML file, then run as
 * {@code paqet run} runs it.
 */
abstract class KcptunSideCommand extends KcptunFlags implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    abstract boolean client();

    /** This side's own flags (addresses, and the client's connection settings) under kcptun's JSON keys. */
    abstract Map<String, Object> sideValues();

    /** The settings after the flags and the JSON file, under kcptun's JSON keys. */
    final Map<String, Object> settings(List<String> warnings) throws KcptunFlagException {
        Map<String, Object> values = sideValues();
        values.putAll(values(client()));
        if (config != null) {
            warnings.addAll(KcptunJsonConfig.apply(config, values));
        }
        return values;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = "paqet kcptun " + (client() ? "client" : "server");
        List<String> warnings = new ArrayList<>();
        KcptunTranslation.Result translated;
        Map<String, Object> values;
        try {
            values = settings(warnings);
            translated = KcptunTranslation.translate(client(), values);
        } catch (KcptunFlagException e) {
            err.println(name + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        LoadedConfig loaded;
        try {
            loaded = ConfigLoader.parse("kcptun flags", translated.yaml());
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            err.println(name + ": the flags make this configuration, which has "
                    + e.problems().size() + " problem(s); nothing was started:\n" + translated.yaml());
            return ExitCodes.USAGE;
        }
        List<String> allWarnings = new ArrayList<>(translated.warnings());
        allWarnings.addAll(warnings);
        loaded.warnings().forEach(w -> allWarnings.add(w.toString()));
        String logFile = (String) values.get("log");
        if (logFile.isEmpty()) {
            return start(loaded, allWarnings, out, err);
        }
        // kcptun's --log: everything it would print goes to the file instead, until the process ends
        try (PrintStream file = new PrintStream(new FileOutputStream(logFile, true), true, StandardCharsets.UTF_8)) {
            System.setOut(file);
            System.setErr(file);
            PrintWriter toFile = new PrintWriter(new OutputStreamWriter(file, StandardCharsets.UTF_8), true);
            return start(loaded, allWarnings, toFile, toFile);
        }
    }

    private static int start(LoadedConfig loaded, List<String> warnings, PrintWriter out, PrintWriter err) {
        for (String warning : warnings) {
            err.println("warning: " + warning);
        }
        Logging.configure(LogLevel.INFO);
        return TunnelProcess.run(loaded.config(), out, err);
    }
}
