package dev.retrievals.core.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the Hugging Face Hub on 127.0.0.1: a "hub" server answering
 * {@code /{repo}/resolve/{revision}/{path}} like huggingface.co (X-Repo-Commit, ETag, X-Linked-Etag,
 * X-Error-Code, 302 to LFS storage) and a second "cdn" server on another port serving LFS blobs
 * with Range support. Faults: cut a transfer after N bytes, ignore Range, stall, wrong checksum.
 */
final class FakeHub implements AutoCloseable {
    /** One request as the servers saw it. */
    record Request(String server, String method, String path, String authorization, String range) {}

    /** A repository: its commit, files, which of them live in LFS, and the token it needs (or null). */
    static final class Repo {
        final String commit;
        final Map<String, byte[]> files = new HashMap<>();
        final Map<String, Boolean> lfs = new HashMap<>();
        String token;

        Repo(String commit) {
            this.commit = commit;
        }

        Repo file(String path, byte[] content) {
            files.put(path, content);
            lfs.put(path, false);
            return this;
        }

        Repo lfsFile(String path, byte[] content) {
            files.put(path, content);
            lfs.put(path, true);
            return this;
        }
    }

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService cdnThreads = Executors.newFixedThreadPool(4);
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobsBySha256 = new ConcurrentHashMap<>();
    private final List<Request> requests = new ArrayList<>();

    /** Cut this many CDN transfers after {@link #cutAfterBytes} bytes of body. */
    final AtomicInteger cutsLeft = new AtomicInteger();
    volatile int cutAfterBytes;
    /** Runs on the server thread just before a transfer is cut (to look at the cache mid-download). */
    volatile Runnable onCut = () -> {};
    /** Answer Range requests with the whole file and 200. */
    volatile boolean ignoreRange;
    /** Stall this many CDN transfers halfway for {@link #stallMillis} without closing. */
    final AtomicInteger stallsLeft = new AtomicInteger();
    volatile long stallMillis;
    /** Answer this many hub requests with 503 Service Unavailable. */
    final AtomicInteger hubFailuresLeft = new AtomicInteger();
    /** Wait this long before answering each CDN request. */
    volatile long cdnDelayMillis;
    /** Announce this sha256 as X-Linked-Etag instead of the real one (null: the real one). */
    volatile String announcedSha256;

    FakeHub() throws IOException {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        hub = HttpServer.create(loopback, 0);
        cdn = HttpServer.create(loopback, 0);
        hub.createContext("/", this::handleHub);
        cdn.createContext("/", this::handleCdn);
        cdn.setExecutor(cdnThreads);
        hub.start();
        cdn.start();
    }

    Repo addRepo(String repoId, String commit) {
        Repo repo = new Repo(commit);
        repos.put(repoId, repo);
        return repo;
    }

    /** Makes {@code oldId} answer with a relative 307 redirect to {@code newId}, as the hub does for renamed repositories. */
    void rename(String oldId, String newId) {
        renamed.put(oldId, newId);
    }

    String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    int cdnPort() {
        return cdn.getAddress().getPort();
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    long count(String server, String method) {
        return requests().stream().filter(r -> r.server().equals(server) && r.method().equals(method)).count();
    }

    private void record(String server, HttpExchange exchange) {
        synchronized (requests) {
            requests.add(new Request(server, exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Range")));
        }
    }

    private void handleHub(HttpExchange exchange) throws IOException {
        record("hub", exchange);
        try (exchange) {
            if (hubFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(exchange, 503, null);
                return;
            }
            String path = exchange.getRequestURI().getRawPath().substring(1);
            int resolve = path.indexOf("/resolve/");
            if (resolve < 0) {
                send(exchange, 400, null);
                return;
            }
            String newId = renamed.get(path.substring(0, resolve));
            if (newId != null) {
                exchange.getResponseHeaders().set("Location", "/" + newId + path.substring(resolve));
                send(exchange, 307, null);
                return;
            }
            Repo repo = repos.get(path.substring(0, resolve));
            if (repo == null) {
                exchange.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
                send(exchange, 404, null);
                return;
            }
            if (repo.token != null && !("Bearer " + repo.token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().set("X-Error-Message", "Access to this repository is restricted.");
                send(exchange, 401, null);
                return;
            }
            String rest = path.substring(resolve + "/resolve/".length());
            String revision = URLDecoder.decode(rest.substring(0, rest.indexOf('/')), StandardCharsets.UTF_8);
            String file = URLDecoder.decode(rest.substring(rest.indexOf('/') + 1), StandardCharsets.UTF_8);
            if (!revision.equals("main") && !revision.equals(repo.commit)) {
                exchange.getResponseHeaders().set("X-Error-Code", "RevisionNotFound");
                send(exchange, 404, null);
                return;
            }
            exchange.getResponseHeaders().set("X-Repo-Commit", repo.commit);
            byte[] content = repo.files.get(file);
            if (content == null) {
                exchange.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
                send(exchange, 404, null);
                return;
            }
            if (repo.lfs.get(file)) {
                String sha256 = sha256(content);
                blobsBySha256.put(sha256, content);
                String announced = announcedSha256 != null ? announcedSha256 : sha256;
                exchange.getResponseHeaders().set("X-Linked-Etag", "\"" + announced + "\"");
                exchange.getResponseHeaders().set("X-Linked-Size", Integer.toString(content.length));
                exchange.getResponseHeaders().set("ETag", "W/\"redirect-etag\"");
                exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + cdnPort() + "/lfs/" + sha256 + "?signed=1");
                send(exchange, 302, null);
                return;
            }
            exchange.getResponseHeaders().set("ETag", "\"" + gitBlobSha1(content) + "\"");
            serveBytes(exchange, content, false);
        }
    }

    private void handleCdn(HttpExchange exchange) throws IOException {
        record("cdn", exchange);
        try (exchange) {
            sleep(cdnDelayMillis);
            String path = exchange.getRequestURI().getRawPath();
            byte[] content = path.startsWith("/lfs/") ? blobsBySha256.get(path.substring("/lfs/".length())) : null;
            if (content == null) {
                send(exchange, 404, null);
                return;
            }
            serveBytes(exchange, content, true);
        }
    }

    /** Serves {@code content} (honouring {@code Range: bytes=N-} unless told not to), with the faults armed. */
    private void serveBytes(HttpExchange exchange, byte[] content, boolean faults) throws IOException {
        int start = 0;
        String range = exchange.getRequestHeaders().getFirst("Range");
        Matcher matcher = range == null ? null : RANGE.matcher(range);
        if (matcher != null && matcher.matches() && !ignoreRange) {
            start = Integer.parseInt(matcher.group(1));
            exchange.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        byte[] body = Arrays.copyOfRange(content, start, content.length);
        int status = start > 0 ? 206 : 200;
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(content.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        OutputStream out = exchange.getResponseBody();
        if (faults && body.length > cutAfterBytes && cutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            out.write(body, 0, cutAfterBytes);
            out.flush();
            onCut.run();
            closeEarly(exchange);
            return;
        }
        if (faults && stallsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            out.write(body, 0, body.length / 2);
            out.flush();
            sleep(stallMillis);
            closeEarly(exchange);
            return;
        }
        out.write(body);
        out.close();
    }

    /** Ends a response before its announced length: the server drops the connection. */
    private static void closeEarly(HttpExchange exchange) {
        try {
            exchange.close();
        } catch (RuntimeException expected) {
            // "insufficient bytes written": the connection is closed, which is the point
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            exchange.getResponseBody().write(body);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Git's blob id: sha1 over {@code "blob <length>\0"} and the content, the hub's ETag of a non-LFS file. */
    static String gitBlobSha1(byte[] content) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha1.digest(content));
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(content));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        hub.stop(0);
        cdn.stop(0);
        cdnThreads.shutdownNow();
        try {
            cdnThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
