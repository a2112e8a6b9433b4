package dev.retrievals.core.hub;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.progress.ProgressBar;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads one blob into the cache: into {@code blobs/<etag>.incomplete}, resumed with a
 * {@code Range} request after an interruption (from zero when the server ignores it), checked
 * against a sha256 etag, then renamed to {@code blobs/<etag>}. One download per blob at a time,
 * across threads (a lock per blob) and processes (a file lock in {@code .locks/}).
 */
final class BlobDownloader {
    private static final Logger LOG = LoggerFactory.getLogger(BlobDownloader.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");
    private static final long PROGRESS_MIN_BYTES = 1 << 20;
    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final HubHttp http;
    private final HubCache cache;
    private final Duration readTimeout;
    private final boolean progress;

    BlobDownloader(HubHttp http, HubCache cache, Duration readTimeout, boolean progress) {
        this.http = http;
        this.cache = cache;
        this.readTimeout = readTimeout;
        this.progress = progress;
    }

    /** Returns the complete blob of {@code file}, downloading it when the cache lacks it. */
    Path fetch(String repoId, String revision, String path, RemoteFile file) {
        Path blob = cache.blob(repoId, file.etag());
        if (Files.isRegularFile(blob)) {
            return blob;
        }
        Path lockFile = cache.lockFile(repoId, file.etag());
        ReentrantLock threadLock = LOCKS.computeIfAbsent(lockFile, key -> new ReentrantLock());
        threadLock.lock();
        try {
            Files.createDirectories(lockFile.getParent());
            Files.createDirectories(blob.getParent());
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock processLock = channel.lock()) {
                if (Files.isRegularFile(blob)) {
                    return blob;
                }
                Path incomplete = cache.incompleteBlob(repoId, file.etag());
                String label = "'" + path + "' of repository '" + repoId + "' at revision '" + revision + "'";
                http.withRetries("Download of " + label + " from", file.downloadUrl(), () -> {
                    transfer(file.downloadUrl(), incomplete, file.size(), repoId, revision, path);
                    return null;
                });
                verify(incomplete, file.etag(), label);
                HubCache.moveAtomically(incomplete, blob);
                LOG.info("Downloaded {} ({} bytes)", label, Files.size(blob));
                return blob;
            }
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write the blob " + blob + ": " + e, e);
        } finally {
            threadLock.unlock();
        }
    }

    /** One attempt: fetches what {@code incomplete} still lacks; throws {@link IOException} to be retried. */
    private void transfer(URI url, Path incomplete, long expectedSize, String repoId, String revision, String path) throws IOException {
        long have = Files.isRegularFile(incomplete) ? Files.size(incomplete) : 0;
        if (expectedSize >= 0 && have == expectedSize) {
            return;
        }
        if (expectedSize >= 0 && have > expectedSize) {
            Files.delete(incomplete);
            have = 0;
        }
        Map<String, String> headers = have > 0 ? Map.of("Range", "bytes=" + have + "-") : Map.of();
        HttpResponse<InputStream> response = http.send("GET", url, headers, HttpResponse.BodyHandlers.ofInputStream(), false);
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 416) {
                Files.deleteIfExists(incomplete);
                throw new IOException("HTTP 416 for a range from byte " + have + " of " + url + "; starting again from zero");
            }
            http.failOnStatus(response, repoId, revision, path);
            long start = 0;
            if (status == 206) {
                start = rangeStart(response, have, url);
            } else if (have > 0) {
                LOG.info("{} ignored the range request; downloading again from zero", url);
            }
            long total = expectedSize;
            OptionalLong length = response.headers().firstValueAsLong("Content-Length");
            if (total < 0 && length.isPresent()) {
                total = start + length.getAsLong();
            }
            copy(body, incomplete, start, total, url, path);
            long size = Files.size(incomplete);
            if (total >= 0 && size != total) {
                throw new IOException("Transfer of " + url + " ended after " + size + " of " + total + " bytes");
            }
        }
    }

    private static long rangeStart(HttpResponse<?> response, long have, URI url) throws IOException {
        String range = response.headers().firstValue("Content-Range").orElse("");
        Matcher matcher = CONTENT_RANGE.matcher(range);
        if (!matcher.matches()) {
            throw new IOException("HTTP 206 from " + url + " with an unreadable Content-Range '" + range + "'");
        }
        long start = Long.parseLong(matcher.group(1));
        if (start > have) {
            throw new IOException("HTTP 206 from " + url + " starts at byte " + start + " but only " + have + " bytes are here");
        }
        return start;
    }

    private void copy(InputStream body, Path incomplete, long start, long total, URI url, String path) throws IOException {
        try (FileChannel out = FileChannel.open(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                StallGuard guard = new StallGuard(body, readTimeout);
                ProgressBar bar = new ProgressBar("download " + path + " (bytes)", total, progress && total >= PROGRESS_MIN_BYTES)) {
            out.truncate(start);
            out.position(start);
            bar.advance(start);
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
                    guard.progress();
                    bar.advance(read);
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                }
            } catch (IOException e) {
                if (guard.stalled()) {
                    throw new IOException("No data from " + url + " for " + readTimeout.toMillis() + " ms", e);
                }
                throw e;
            } finally {
                out.force(true);
            }
        }
    }

    /** Checks a finished download against its etag when the etag is a sha256 (LFS files). */
    private static void verify(Path incomplete, String etag, String label) throws IOException {
        if (!SHA256.matcher(etag).matches()) {
            return;
        }
        String actual = sha256(incomplete);
        if (!actual.equals(etag)) {
            Files.deleteIfExists(incomplete);
            throw new HubException(HubException.Reason.CHECKSUM_MISMATCH, "Checksum mismatch for " + label + ": the hub announced sha256 "
                    + etag + " but the downloaded bytes hash to " + actual + "; the partial download was deleted, try again.");
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
