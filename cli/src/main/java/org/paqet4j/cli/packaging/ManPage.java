package org.paqet4j.cli.packaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A man page in roff ({@code man(7)} macros) written from the picocli model, so it lists exactly
 * the commands and options the program parses. One page for the whole tree: the root's synopsis
 * and options, then a subsection per visible command (nested ones included). picocli's own
 * generator writes AsciiDoc, which would need asciidoctor at build time.
 */
public final class ManPage {

    private ManPage() {}

    /** The page for {@code root} and every visible subcommand; {@code date} and {@code version} go in the footer. */
    public static String render(CommandSpec root, String version, String date) {
        StringBuilder page = new StringBuilder();
        String name = root.name();
        page.append(".TH ")
                .append(name.toUpperCase(Locale.ROOT))
                .append(" 1 \"")
                .append(escape(date))
                .append("\" \"")
                .append(escape(name + " " + version))
                .append("\" \"User Commands\"\n");
        page.append(".SH NAME\n")
                .append(escape(name))
                .append(" \\- ")
                .append(escape(firstSentence(root.usageMessage().description())))
                .append('\n');
        page.append(".SH SYNOPSIS\n");
        synopsis(page, root);
        page.append(".SH DESCRIPTION\n");
        paragraphs(page, root.usageMessage().description());
        options(page, root, ".SH OPTIONS\n");
        page.append(".SH COMMANDS\n");
        for (CommandSpec sub : subcommands(root)) {
            command(page, sub);
        }
        footer(page, root.usageMessage().footer());
        return page.toString();
    }

    private static void command(StringBuilder page, CommandSpec spec) {
        page.append(".SS ").append(escape(spec.qualifiedName())).append('\n');
        synopsis(page, spec);
        paragraphs(page, spec.usageMessage().description());
        options(page, spec, "");
        footer(page, spec.usageMessage().footer());
        for (CommandSpec sub : subcommands(spec)) {
            command(page, sub);
        }
    }

    private static void synopsis(StringBuilder page, CommandSpec spec) {
        // the synopsis picocli prints for --help, without colours
        String text = new CommandLine.Help(spec, CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
                .synopsis(0)
                .strip();
        page.append(".nf\n").append(escape(text)).append("\n.fi\n");
    }

    private static void options(StringBuilder page, CommandSpec spec, String heading) {
        List<OptionSpec> options =
                spec.options().stream().filter(o -> !o.hidden()).toList();
        List<PositionalParamSpec> positionals =
                spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        if (options.isEmpty() && positionals.isEmpty()) {
            return;
        }
        page.append(heading);
        for (OptionSpec option : options) {
            String names = String.join(", ", option.names());
            String label = option.typeInfo().isBoolean() ? "" : " " + option.paramLabel();
            page.append(".TP\n\\fB")
                    .append(escape(names))
                    .append("\\fR")
                    .append(escape(label))
                    .append('\n')
                    .append(escape(String.join(" ", option.description())))
                    .append('\n');
        }
        for (PositionalParamSpec positional : positionals) {
            page.append(".TP\n\\fI")
                    .append(escape(positional.paramLabel()))
                    .append("\\fR\n")
                    .append(escape(String.join(" ", positional.description())))
                    .append('\n');
        }
    }

    /** A command's footer (examples, exit codes) as preformatted text, so the columns stay. */
    private static void footer(StringBuilder page, String[] footer) {
        List<String> lines = new ArrayList<>(List.of(footer));
        while (!lines.isEmpty() && lines.getFirst().isBlank()) {
            lines.removeFirst();
        }
        if (lines.isEmpty()) {
            return;
        }
        page.append(".PP\n.nf\n");
        for (String line : lines) {
            page.append(escape(line)).append('\n');
        }
        page.append(".fi\n");
    }

    private static void paragraphs(StringBuilder page, String[] description) {
        for (String line : description) {
            page.append(".PP\n").append(escape(line)).append('\n');
        }
    }

    private static List<CommandSpec> subcommands(CommandSpec spec) {
        return spec.subcommands().values().stream()
                .map(CommandLine::getCommandSpec)
                .filter(s -> !s.usageMessage().hidden())
                .distinct() // aliases map to the same spec
                .toList();
    }

    private static String firstSentence(String[] description) {
        String text = String.join(" ", description);
        int end = text.indexOf(". ");
        return end < 0 ? text.replaceAll("\\.$", "") : text.substring(0, end);
    }

    /**
     * Text safe in a roff line: backslashes become {@code \e}, hyphens {@code \-} (so options copy
     * as ASCII), other than ASCII {@code \[uXXXX]}, and a line starting with a control character ({@code .} or {@code '}) gets
     * {@code \&} in front, since roff would take it for a request.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        boolean lineStart = true;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (lineStart && (c == '.' || c == '\'')) {
                out.append("\\&");
            }
            if (c == '\\') {
                out.append("\\e");
            } else if (c == '-') {
                out.append("\\-");
            } else if (c > 0x7e) {
                // roff reads its input as Latin-1; a Unicode escape keeps arrows and dashes intact
                out.append("\\[u").append(String.format("%04X", c)).append(']');
            } else {
                out.append((char) c);
            }
            lineStart = c == '\n';
        }
        return out.toString();
    }
}
