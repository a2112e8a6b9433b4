package dev.retrievals.cli;

import picocli.CommandLine.ParseResult;

/**
 * Log levels of the command (slf4j-simple), set before DJL loads: warnings and errors only, the
 * trainer's own notes (resuming, best model), the corpus store's note of a reused or resumed
 * encoding, and none of DJL's CUDA-detection warnings or engine INFO lines; {@code --verbose} shows
 * everything at INFO and this project's DEBUG details. A level set with
 * {@code -Dorg.slf4j.simpleLogger...} on the command line wins.
 */
final class CliLogging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private CliLogging() {}

    /** Whether {@code --verbose} was given to the command or any subcommand. */
    static boolean verboseRequested(ParseResult parseResult) {
        for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
            if (result.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Sets the levels; has an effect only before the first logger is created. */
    static void configure(boolean verbose) {
        setIfAbsent("defaultLogLevel", verbose ? "info" : "warn");
        setIfAbsent("log.dev.retrievals", verbose ? "debug" : "warn");
        setIfAbsent("log.dev.retrievals.trainer.RetrievalTrainer", verbose ? "debug" : "info");
        // whether a corpus encoding was reused or resumed (encode --resume, mine --store)
        setIfAbsent("log.dev.retrievals.index.store.CorpusStoreBuilder", verbose ? "debug" : "info");
        if (!verbose) {
            // "Failed to detect GPU count: CUDA driver version is insufficient ..." on every machine without a GPU
            setIfAbsent("log.ai.djl.util.cuda", "error");
        }
        setIfAbsent("showThreadName", "false");
        setIfAbsent("showShortLogName", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
