package dev.retrievals.core.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON array of objects, streamed one element at a time. A syntax or encoding error ends the
 * pass under either policy (a stream parser cannot find the next element after it); an element
 * that is not an object is a bad row like any other.
 */
final class JsonArraySource implements RowSource {
    private static final Pattern LINE = Pattern.compile("line (\\d+)");

    private final String name;
    private final StreamOpener opener;

    JsonArraySource(String name, StreamOpener opener) {
        this.name = name;
        this.opener = opener;
    }

    @Override
    public Rows open(BadRows badRows) {
        InputStream in = skipByteOrderMark(opener.open());
        JsonReader reader = new JsonReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
        reader.setStrictness(Strictness.STRICT);
        return new Rows() {
            private boolean started;

            @Override
            public SourcedRow next() {
                try {
                    if (!started) {
                        started = true;
                        if (reader.peek() != JsonToken.BEGIN_ARRAY) {
                            throw new DataException(location(), DataProblem.MALFORMED,
                                    "expected a JSON array of objects, found " + reader.peek());
                        }
                        reader.beginArray();
                    }
                    while (reader.hasNext()) {
                        String location = location();
                        JsonElement element = JsonParser.parseReader(reader);
                        if (element.isJsonObject()) {
                            return new SourcedRow(location, JsonValues.row(element.getAsJsonObject()));
                        }
                        badRows.reject(new DataException(location, DataProblem.MALFORMED,
                                "expected a JSON object as array element, found " + JsonlSource.kind(element) + ": "
                                        + Snippets.shorten(element.toString())));
                    }
                    reader.endArray();
                    if (reader.peek() != JsonToken.END_DOCUMENT) {
                        throw new DataException(location(), DataProblem.MALFORMED, "more text after the JSON array");
                    }
                    return null;
                } catch (JsonParseException | IOException e) {
                    boolean encoding = e instanceof CharacterCodingException || e.getCause() instanceof CharacterCodingException;
                    throw new DataException(location(), encoding ? DataProblem.INVALID_ENCODING : DataProblem.MALFORMED,
                            (encoding ? "invalid UTF-8; expected UTF-8 text" : "malformed JSON: " + e.getMessage())
                                    + " (a JSON array cannot be read past this point)");
                }
            }

            private String location() {
                Matcher line = LINE.matcher(reader.toString());
                return name + " line " + (line.find() ? line.group(1) : "?");
            }

            @Override
            public void close() {
                try {
                    reader.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot close " + name + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private InputStream skipByteOrderMark(InputStream raw) {
        BufferedInputStream in = new BufferedInputStream(raw);
        try {
            in.mark(3);
            if (in.read() != 0xEF || in.read() != 0xBB || in.read() != 0xBF) {
                in.reset();
            }
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + name + ": " + e.getMessage(), e);
        }
    }
}
