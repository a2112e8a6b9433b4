package dev.retrievals.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * The command-line reference of README.md, rendered from picocli's help so it cannot drift: the
 * usage of {@code retrievals} and of every subcommand, between the markers {@link #START} and
 * {@link #END}. {@code CliReferenceTest} compares the README with it (and rewrites the README with
 * {@code -Dretrievals.updateReadme=true}).
 */
final class CliReference {
    /** The line before the reference in README.md. */
    static final String START = "<!-- cli-reference:start (generated from the commands' --help by CliReferenceTest; do not edit) -->";
    /** The line after the reference in README.md. */
    static final String END = "<!-- cli-reference:end -->";
    /** Columns of the rendered help, fixed so the text does not depend on the terminal. */
    static final int WIDTH = 100;

    private CliReference() {}

    /** The reference as Markdown, without the markers. */
    static String markdown() {
        CommandLine root = RetrievalsCommand.create(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        root.setUsageHelpWidth(WIDTH);
        StringBuilder text = new StringBuilder();
        append(text, "retrievals", root);
        for (Map.Entry<String, CommandLine> sub : root.getSubcommands().entrySet()) {
            if (!sub.getKey().equals("help")) {
                append(text, "retrievals " + sub.getKey(), sub.getValue());
            }
        }
        return text.toString();
    }

    private static void append(StringBuilder text, String title, CommandLine command) {
        command.setUsageHelpWidth(WIDTH);
        text.append("\n#### `").append(title).append("`\n\n```\n")
                .append(command.getUsageMessage(CommandLine.Help.Ansi.OFF).stripTrailing()).append("\n```\n");
    }

    /** {@code readme} with the text between the markers replaced by the reference. */
    static String replaceIn(String readme) {
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalStateException("README.md has no section between " + START + " and " + END);
        }
        return readme.substring(0, start + START.length()) + "\n" + markdown() + "\n" + readme.substring(end);
    }
}
