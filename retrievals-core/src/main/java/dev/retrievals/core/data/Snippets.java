package dev.retrievals.core.data;

/** Short excerpts of bad input for error messages. */
final class Snippets {
    private static final int MAX_CHARS = 80;

    private Snippets() {}

    /** The text cut to 80 characters, with an ellipsis when cut. */
    static String shorten(String text) {
        return text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "…";
    }
}
