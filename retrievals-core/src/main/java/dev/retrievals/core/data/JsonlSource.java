package dev.retrievals.core.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;

/** JSON Lines: one JSON object per line, read one line at a time. */
final class JsonlSource implements RowSource {
    private final String name;
    private final StreamOpener opener;

    JsonlSource(String name, StreamOpener opener) {
        this.name = name;
        this.opener = opener;
    }

    @Override
    public Rows open(BadRows badRows) {
        Utf8LineReader lines = new Utf8LineReader(opener.open(), name);
        return new Rows() {
            @Override
            public SourcedRow next() {
                while (true) {
                    String line;
                    try {
                        line = lines.readLine();
                    } catch (DataException badEncoding) {
                        badRows.reject(badEncoding);
                        continue;
                    }
                    if (line == null) {
                        return null;
                    }
                    if (line.isBlank()) {
                        badRows.blankLine();
                        continue;
                    }
                    try {
                        return new SourcedRow(lines.location(), parseObject(line, lines.location()));
                    } catch (DataException malformed) {
                        badRows.reject(malformed);
                    }
                }
            }

            @Override
            public void close() {
                lines.close();
            }
        };
    }

    /** Parses one line strictly as a JSON object; anything else is {@link DataProblem#MALFORMED}. */
    static Map<String, Object> parseObject(String line, String location) {
        JsonElement element;
        try {
            JsonReader reader = new JsonReader(new StringReader(line));
            reader.setStrictness(Strictness.STRICT);
            element = JsonParser.parseReader(reader);
            if (!atEnd(reader)) {
                throw new JsonParseException("more text after the JSON value");
            }
        } catch (JsonParseException | IllegalStateException e) {
            throw new DataException(location, DataProblem.MALFORMED,
                    "malformed JSON (" + reason(e) + "); expected one JSON object per line: " + Snippets.shorten(line));
        }
        if (!element.isJsonObject()) {
            throw new DataException(location, DataProblem.MALFORMED,
                    "expected a JSON object, found " + kind(element) + ": " + Snippets.shorten(line));
        }
        return JsonValues.row(element.getAsJsonObject());
    }

    private static boolean atEnd(JsonReader reader) {
        try {
            return reader.peek() == JsonToken.END_DOCUMENT;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    static String kind(JsonElement element) {
        return element.isJsonArray() ? "an array" : element.isJsonNull() ? "null" : "a " + (element.getAsJsonPrimitive().isString()
                ? "string" : element.getAsJsonPrimitive().isNumber() ? "number" : "boolean");
    }

    private static String reason(Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int see = message.indexOf("\nSee ");
        String reason = see < 0 ? message : message.substring(0, see);
        String gsonAdvice = "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON ";
        return reason.startsWith(gsonAdvice) ? "invalid JSON " + reason.substring(gsonAdvice.length()) : reason;
    }
}
