package dev.retrievals.bench;

import com.google.gson.JsonObject;

/** Pieces of text that the sections of {@code docs/benchmarks.md} written by their own classes share. */
final class SectionText {
    private SectionText() {}

    /** A row of the headline table: the figure's name, its value, and empty target and met columns. */
    static String headlineRow(String figure, String value) {
        return "| `" + figure + "` | " + value + " |  |  |";
    }

    /** The first figure of a load-average line in {@code result[key]} (the one-minute average), or "?" if absent. */
    static String oneMinuteLoad(JsonObject result, String key) {
        return result.has(key) ? result.get(key).getAsString().split(" ")[0] : "?";
    }
}
