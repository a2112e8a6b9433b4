package dev.retrievals.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.hub.HubClient;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model id like {@code org/name} is fetched through the Hugging Face Hub client into the shared
 * cache and loaded; here a local HTTP server on 127.0.0.1 stands in for the hub.
 */
class HubModelLoadingTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path dir;

    /** Serves the files of {@code folder} as repository {@code org/tiny} (revision main or its commit); 404 for anything else. */
    static HttpServer hub(Path folder, AtomicInteger requests) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            String path = exchange.getRequestURI().getPath().replace("/resolve/" + COMMIT + "/", "/resolve/main/");
            String prefix = "/org/tiny/resolve/main/";
            Path file = path.startsWith(prefix) ? folder.resolve(path.substring(prefix.length())) : null;
            if (file == null || !Files.isRegularFile(file)) {
                exchange.getResponseHeaders().set("X-Error-Code", path.startsWith(prefix) ? "EntryNotFound" : "RepoNotFound");
                exchange.getResponseHeaders().set("X-Repo-Commit", COMMIT);
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] content = Files.readAllBytes(file);
            exchange.getResponseHeaders().set("X-Repo-Commit", COMMIT);
            exchange.getResponseHeaders().set("ETag", "\"" + Integer.toHexString(java.util.Arrays.hashCode(content)) + "\"");
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(content.length));
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, content.length);
                exchange.getResponseBody().write(content);
            }
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void aModelIdIsFetchedIntoTheCacheAndLoaded() throws Exception {
        Path repo = dir.resolve("repo");
        try (AutoModelForEmbedding bundled = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
            bundled.save(repo);
        }
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = hub(repo, requests);
        try {
            HubClient client = HubClient.builder().environment(Map.of()).endpoint("http://127.0.0.1:" + server.getAddress().getPort())
                    .cacheDir(dir.resolve("cache")).token(null).build();
            List<String> texts = List.of("a cat sits on the mat", "stocks fell sharply");
            try (AutoModelForEmbedding fromHub = PretrainedLoader.load("org/tiny", ModelOptions.defaults(), () -> client);
                    AutoModelForEmbedding bundled = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2")) {
                assertThat(fromHub.poolingName()).isEqualTo("mean");
                assertThat(fromHub.encode(texts)).isDeepEqualTo(bundled.encode(texts));
            }
            assertThat(dir.resolve("cache/models--org--tiny/snapshots/" + COMMIT + "/model.safetensors")).exists();
            assertThatThrownBy(() -> PretrainedLoader.load("org/missing", ModelOptions.defaults(), () -> client))
                    .isInstanceOf(RetrievalsException.class)
                    .hasMessageContaining("Model 'org/missing' is not a folder or file here")
                    .hasMessageContaining("org/missing");
        } finally {
            server.stop(0);
        }
    }
}
