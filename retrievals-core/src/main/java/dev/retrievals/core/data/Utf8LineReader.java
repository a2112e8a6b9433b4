package dev.retrievals.core.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a UTF-8 stream one line at a time without holding more than one line in memory. Each line
 * is decoded strictly: invalid bytes give a {@link DataException} naming the line and byte offset,
 * after which reading can go on with the next line. A byte-order mark is dropped; {@code \r\n}
 * and {@code \n} end lines.
 */
final class Utf8LineReader implements Closeable {
    private static final int BUFFER = 64 * 1024;

    private final InputStream in;
    private final String source;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] buffer = new byte[BUFFER];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private long lineNumber;
    private boolean endOfStream;

    Utf8LineReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The 1-based number of the line last returned. */
    long lineNumber() {
        return lineNumber;
    }

    /** Where the last line is, for messages: {@code source line n}. */
    String location() {
        return source + " line " + lineNumber;
    }

    /**
     * The next line without its line ending, or {@code null} at the end of the stream.
     *
     * @throws DataException if the line is not valid UTF-8 (the line is consumed)
     */
    String readLine() {
        int length = readLineBytes();
        if (length < 0) {
            return null;
        }
        int start = 0;
        if (lineNumber == 1 && length >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
            start = 3;
        }
        ByteBuffer bytes = ByteBuffer.wrap(line, start, length - start);
        try {
            return decoder.reset().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            int offset = bytes.position() - start;
            String lossy = new String(line, start, length - start, StandardCharsets.UTF_8);
            throw new DataException(location(), DataProblem.INVALID_ENCODING,
                    "invalid UTF-8 at byte " + offset + " of the line (bytes " + hex(bytes.position(), length)
                            + "); expected UTF-8 text: " + Snippets.shorten(lossy));
        }
    }

    private String hex(int from, int length) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < Math.min(length, from + 4); i++) {
            text.append(text.length() == 0 ? "" : " ").append(String.format("%02X", line[i] & 0xFF));
        }
        return text.toString();
    }

    private int readLineBytes() {
        int length = 0;
        boolean any = false;
        while (true) {
            if (position == limit && !fill()) {
                break;
            }
            any = true;
            int newline = -1;
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int end = newline < 0 ? limit : newline;
            length = append(length, end);
            position = newline < 0 ? limit : newline + 1;
            if (newline >= 0) {
                break;
            }
        }
        if (!any) {
            return -1;
        }
        lineNumber++;
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return length;
    }

    private int append(int length, int end) {
        int count = end - position;
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + count));
        }
        System.arraycopy(buffer, position, line, length, count);
        return length + count;
    }

    private boolean fill() {
        if (endOfStream) {
            return false;
        }
        try {
            int read = in.read(buffer);
            if (read < 0) {
                endOfStream = true;
                return false;
            }
            position = 0;
            limit = read;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + source + " after line " + lineNumber + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot close " + source + ": " + e.getMessage(), e);
        }
    }
}
