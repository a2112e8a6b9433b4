package dev.retrievals.index.store;

import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 fingerprints that tell whether a stored corpus encoding can be reused: of texts, and of a
 * model given by location (a file's bytes, every file of a folder, or the text of an id such as a
 * bundled model's). Incremental: feed parts with {@link #add}, read {@link #hex()} once.
 */
public final class Fingerprint {
    private final MessageDigest digest;

    /** An empty fingerprint. */
    public Fingerprint() {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Adds a text, length-prefixed so that ("ab", "c") and ("a", "bc") differ. */
    public Fingerprint add(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(new byte[] {(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8),
            (byte) bytes.length});
        digest.update(bytes);
        return this;
    }

    /** The fingerprint so far, as 64 hexadecimal digits; the fingerprint cannot be fed afterwards. */
    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The fingerprint of some texts. */
    public static String of(String... parts) {
        Fingerprint fingerprint = new Fingerprint();
        for (String part : parts) {
            fingerprint.add(part);
        }
        return fingerprint.hex();
    }

    /**
     * The fingerprint of a model location: the bytes of a file, the relative names and bytes of
     * every regular file below a folder (hidden ones skipped), or, for anything else (an id such as
     * {@code all-MiniLM-L6-v2}), the text itself.
     */
    public static String ofModel(String location) {
        Path path = Path.of(location);
        Fingerprint fingerprint = new Fingerprint().add("model");
        try {
            if (Files.isRegularFile(path)) {
                fingerprint.addFile(path);
            } else if (Files.isDirectory(path)) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(path)) {
                    files = walk.filter(Files::isRegularFile).filter(file -> !path.relativize(file).toString().startsWith("."))
                            .sorted().toList();
                }
                for (Path file : files) {
                    fingerprint.add(path.relativize(file).toString()).addFile(file);
                }
            } else {
                fingerprint.add(location);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new RetrievalsException("Cannot read model " + location + " to fingerprint it: " + e.getMessage(), e);
        }
        return fingerprint.hex();
    }

    private Fingerprint addFile(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
            }
        }
        return this;
    }
}
