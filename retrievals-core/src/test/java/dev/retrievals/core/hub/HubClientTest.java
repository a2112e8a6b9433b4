package dev.retrievals.core.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.process.ChildProcess;
import dev.retrievals.core.process.JavaCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubClientTest {
    private static final String REPO = "BAAI/bge-small-zh-v1.5";
    private static final String COMMIT = "7999e1d3359715c523056ef9478215996d62a620";
    private static final byte[] CONFIG = "{\"hidden_size\": 512, \"num_hidden_layers\": 4}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] POOLING = "{\"pooling_mode_cls_token\": true}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] WEIGHTS = randomBytes(300_000);
    private static final List<String> FILES = List.of("config.json", "1_Pooling/config.json", "model.safetensors");

    @TempDir
    Path temp;

    private FakeHub server;
    private Path cacheDir;

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeHub();
        server.addRepo(REPO, COMMIT).file("config.json", CONFIG).file("1_Pooling/config.json", POOLING)
                .lfsFile("model.safetensors", WEIGHTS);
        cacheDir = temp.resolve("cache");
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private HubClient client(UnaryOperator<HubClient.Builder> settings) {
        return settings.apply(HubClient.builder()
                .environment(Map.of())
                .userHome(temp.resolve("home"))
                .endpoint(server.endpoint())
                .cacheDir(cacheDir)
                .maxAttempts(3)
                .retryBackoff(Duration.ZERO)
                .readTimeout(Duration.ofSeconds(5))).build();
    }

    private HubClient client() {
        return client(b -> b);
    }

    private Path repoFolder() {
        return cacheDir.resolve("models--BAAI--bge-small-zh-v1.5");
    }

    @Test
    void downloadsIntoTheHuggingFaceHubCacheLayout() throws IOException {
        Path snapshot = client().snapshot(REPO, "main", FILES);

        Path repo = repoFolder();
        assertThat(snapshot).isEqualTo(repo.resolve("snapshots").resolve(COMMIT));
        assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(COMMIT);
        assertLinked(snapshot.resolve("config.json"), Path.of("../../blobs", FakeHub.gitBlobSha1(CONFIG)), CONFIG);
        assertLinked(snapshot.resolve("1_Pooling/config.json"), Path.of("../../../blobs", FakeHub.gitBlobSha1(POOLING)), POOLING);
        assertLinked(snapshot.resolve("model.safetensors"), Path.of("../../blobs", FakeHub.sha256(WEIGHTS)), WEIGHTS);
        try (Stream<Path> blobs = Files.list(repo.resolve("blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    FakeHub.gitBlobSha1(CONFIG), FakeHub.gitBlobSha1(POOLING), FakeHub.sha256(WEIGHTS));
        }
        assertThat(Files.isRegularFile(cacheDir.resolve(".locks/models--BAAI--bge-small-zh-v1.5").resolve(FakeHub.sha256(WEIGHTS) + ".lock"))).isTrue();
    }

    private static void assertLinked(Path file, Path expectedTarget, byte[] expectedContent) throws IOException {
        assertThat(Files.isSymbolicLink(file)).as("%s is a symbolic link", file).isTrue();
        assertThat(Files.readSymbolicLink(file)).isEqualTo(expectedTarget);
        assertThat(Files.readAllBytes(file)).isEqualTo(expectedContent);
    }

    @Test
    void aSecondCallIsServedFromTheCache() {
        HubClient client = client();
        Path first = client.snapshot(REPO, "main", FILES);
        long heads = server.count("hub", "HEAD");
        assertThat(heads).isEqualTo(3);
        assertThat(server.count("hub", "GET")).isEqualTo(2);
        assertThat(server.count("cdn", "GET")).isEqualTo(1);

        Path second = client.snapshot(REPO, "main", FILES);
        assertThat(second).isEqualTo(first);
        assertThat(server.count("hub", "HEAD")).as("only the first file is asked, to learn where main points").isEqualTo(heads + 1);
        assertThat(server.count("hub", "GET") + server.count("cdn", "GET")).isEqualTo(3);

        int before = server.requests().size();
        assertThat(client.snapshot(REPO, COMMIT, FILES)).isEqualTo(first);
        assertThat(server.requests()).as("a commit hash needs no request").hasSize(before);
    }

    @Test
    void followsTheLfsRedirectToAnotherHostWithoutTheToken() {
        server.addRepo("acme/private", COMMIT).lfsFile("model.safetensors", WEIGHTS).token = "hf_secret";

        Path snapshot = client(b -> b.token("hf_secret")).snapshot("acme/private", "main", List.of("model.safetensors"));

        assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(WEIGHTS);
        List<FakeHub.Request> requests = server.requests();
        assertThat(requests).filteredOn(r -> r.server().equals("hub")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer hf_secret"));
        assertThat(requests).filteredOn(r -> r.server().equals("cdn")).hasSize(1)
                .allSatisfy(r -> assertThat(r.authorization()).isNull());
    }

    @Test
    void aRenamedRepositoryIsFollowedOnTheHubWithTheTokenAndCachedUnderTheAskedId() {
        server.rename("old-org/old-name", REPO);

        Path snapshot = client(b -> b.token("hf_any")).snapshot("old-org/old-name", "main", FILES);

        assertThat(snapshot).isEqualTo(cacheDir.resolve("models--old-org--old-name/snapshots").resolve(COMMIT));
        assertThat(snapshot.resolve("config.json")).hasBinaryContent(CONFIG);
        assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(WEIGHTS);
        assertThat(server.requests()).filteredOn(r -> r.server().equals("hub"))
                .anySatisfy(r -> assertThat(r.path()).startsWith("/old-org/old-name/"))
                .anySatisfy(r -> assertThat(r.path()).startsWith("/BAAI/"))
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer hf_any"));
    }

    @Test
    void refusedAccessNamesTheRepositoryAndTheToken() {
        server.addRepo("acme/private", COMMIT).file("config.json", CONFIG).token = "hf_secret";

        assertThatThrownBy(() -> client().snapshot("acme/private", "main", List.of("config.json")))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.UNAUTHORIZED))
                .hasMessageContaining("'acme/private'").hasMessageContaining("401").hasMessageContaining("HF_TOKEN")
                .hasMessageContaining("Access to this repository is restricted.");
        assertThatThrownBy(() -> client(b -> b.token("hf_wrong")).snapshot("acme/private", "main", List.of("config.json")))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.UNAUTHORIZED))
                .hasMessageContaining("'acme/private'").hasMessageContaining("token that was sent");
        assertThat(client(b -> b.environment(Map.of("HF_TOKEN", "hf_secret"))).snapshot("acme/private", "main", List.of("config.json"))
                .resolve("config.json")).hasBinaryContent(CONFIG);
    }

    @Test
    void notFoundNamesTheMissingRepositoryRevisionOrFile() {
        HubClient client = client();
        assertThatThrownBy(() -> client.snapshot("nobody/nothing", "main", List.of("config.json")))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.REPOSITORY_NOT_FOUND))
                .hasMessageContaining("'nobody/nothing'");
        assertThatThrownBy(() -> client.snapshot(REPO, "v9", List.of("config.json")))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.REVISION_NOT_FOUND))
                .hasMessageContaining("'v9'").hasMessageContaining(REPO);
        assertThatThrownBy(() -> client.snapshot(REPO, "main", List.of("config.json", "tokenizer.json")))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.FILE_NOT_FOUND))
                .hasMessageContaining("'tokenizer.json'").hasMessageContaining(REPO).hasMessageContaining("'main'");
    }

    @Test
    void aMissingOptionalFileIsSkippedAndRemembered() {
        HubClient client = client();
        Path snapshot = client.snapshot(REPO, "main", List.of("config.json"), List.of("modules.json"));

        assertThat(snapshot.resolve("config.json")).hasBinaryContent(CONFIG);
        assertThat(snapshot.resolve("modules.json")).doesNotExist();
        assertThat(repoFolder().resolve(".no_exist").resolve(COMMIT).resolve("modules.json")).isEmptyFile();

        int before = server.requests().size();
        assertThat(client.snapshot(REPO, COMMIT, List.of("config.json"), List.of("modules.json"))).isEqualTo(snapshot);
        assertThat(server.requests()).hasSize(before);
        assertThatThrownBy(() -> client.snapshot(REPO, COMMIT, List.of("modules.json")))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.FILE_NOT_FOUND))
                .hasMessageContaining("'modules.json'");
    }

    @Test
    void aTransferCutHalfwayIsResumedFromWhereItStopped() {
        int cut = 123_457;
        server.cutAfterBytes = cut;
        server.cutsLeft.set(1);
        Path blob = repoFolder().resolve("blobs").resolve(FakeHub.sha256(WEIGHTS));
        Path link = repoFolder().resolve("snapshots").resolve(COMMIT).resolve("model.safetensors");
        Path incomplete = blob.resolveSibling(blob.getFileName() + ".incomplete");
        List<String> seenAtTheCut = new ArrayList<>();
        server.onCut = () -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (sizeOf(incomplete) < cut && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            seenAtTheCut.add(Files.exists(blob) + " " + Files.exists(link, LinkOption.NOFOLLOW_LINKS) + " " + sizeOf(incomplete));
        };

        Path snapshot = client().snapshot(REPO, "main", List.of("model.safetensors"));

        assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(WEIGHTS);
        assertThat(seenAtTheCut).as("mid-download: no final blob, no link, the bytes so far in .incomplete").containsExactly("false false " + cut);
        assertThat(server.requests()).filteredOn(r -> r.server().equals("cdn")).extracting(FakeHub.Request::range)
                .containsExactly(null, "bytes=" + cut + "-");
        assertNoIncompleteFiles();
    }

    @Test
    void aServerThatIgnoresRangeGetsTheWholeFileAgain() {
        server.cutAfterBytes = 50_000;
        server.cutsLeft.set(1);
        server.ignoreRange = true;

        Path snapshot = client().snapshot(REPO, "main", List.of("model.safetensors"));

        assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(WEIGHTS);
        assertThat(server.count("cdn", "GET")).isEqualTo(2);
        assertNoIncompleteFiles();
    }

    @Test
    void aDownloadLeftByAnEarlierProcessIsResumed() throws IOException {
        int have = 77_777;
        Path incomplete = repoFolder().resolve("blobs").resolve(FakeHub.sha256(WEIGHTS) + ".incomplete");
        Files.createDirectories(incomplete.getParent());
        Files.write(incomplete, java.util.Arrays.copyOf(WEIGHTS, have));

        Path snapshot = client().snapshot(REPO, "main", List.of("model.safetensors"));

        assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(WEIGHTS);
        assertThat(server.requests()).filteredOn(r -> r.server().equals("cdn")).extracting(FakeHub.Request::range)
                .containsExactly("bytes=" + have + "-");
    }

    @Test
    void aStalledTransferTimesOutAndIsResumed() {
        server.stallsLeft.set(1);
        server.stallMillis = 3_000;

        long start = System.nanoTime();
        Path snapshot = client(b -> b.readTimeout(Duration.ofMillis(300))).snapshot(REPO, "main", List.of("model.safetensors"));

        assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(WEIGHTS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2_500));
        assertThat(server.requests()).filteredOn(r -> r.server().equals("cdn")).extracting(FakeHub.Request::range)
                .containsExactly(null, "bytes=" + WEIGHTS.length / 2 + "-");
    }

    @Test
    void aTransferThatKeepsFailingNamesTheUrlAndAttemptsAndLeavesNoFinalFile() throws IOException {
        server.cutAfterBytes = 1_000;
        server.cutsLeft.set(100);
        server.ignoreRange = true;

        assertThatThrownBy(() -> client().snapshot(REPO, "main", List.of("model.safetensors")))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.NETWORK))
                .hasMessageContaining("http://127.0.0.1:" + server.cdnPort() + "/lfs/" + FakeHub.sha256(WEIGHTS))
                .hasMessageContaining("3 attempt(s)");
        assertThat(server.count("cdn", "GET")).isEqualTo(3);
        assertThat(repoFolder().resolve("blobs").resolve(FakeHub.sha256(WEIGHTS))).doesNotExist();
        assertThat(repoFolder().resolve("snapshots").resolve(COMMIT).resolve("model.safetensors")).doesNotExist();
    }

    @Test
    void aBusyHubIsAskedAgainUpToTheLimit() {
        server.hubFailuresLeft.set(2);
        assertThat(client().snapshot(REPO, "main", List.of("config.json")).resolve("config.json")).hasBinaryContent(CONFIG);
        assertThat(server.count("hub", "HEAD")).isEqualTo(3);

        server.hubFailuresLeft.set(3);
        assertThatThrownBy(() -> client(b -> b.cacheDir(temp.resolve("other-cache"))).snapshot(REPO, "main", List.of("config.json")))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.NETWORK))
                .hasMessageContaining("HTTP 503").hasMessageContaining("3 attempt(s)")
                .hasMessageContaining(server.endpoint() + "/" + REPO + "/resolve/main/config.json");
    }

    @Test
    void aChecksumMismatchIsAnErrorAndKeepsNothing() throws IOException {
        String wrong = FakeHub.sha256("something else".getBytes(StandardCharsets.UTF_8));
        server.announcedSha256 = wrong;

        assertThatThrownBy(() -> client().snapshot(REPO, "main", List.of("model.safetensors")))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.CHECKSUM_MISMATCH))
                .hasMessageContaining(wrong).hasMessageContaining(FakeHub.sha256(WEIGHTS)).hasMessageContaining("'model.safetensors'");
        try (Stream<Path> blobs = Files.list(repoFolder().resolve("blobs"))) {
            assertThat(blobs).isEmpty();
        }
    }

    @Test
    void concurrentDownloadsOfOneBlobFetchItOnce() throws Exception {
        server.cdnDelayMillis = 300;
        HubClient client = client();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Path> first = threads.submit(() -> client.snapshot(REPO, "main", List.of("model.safetensors")));
            Future<Path> second = threads.submit(() -> client.snapshot(REPO, "main", List.of("model.safetensors")));
            assertThat(first.get(20, TimeUnit.SECONDS)).isEqualTo(second.get(20, TimeUnit.SECONDS));
            assertThat(first.get().resolve("model.safetensors")).hasBinaryContent(WEIGHTS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(server.count("cdn", "GET")).isEqualTo(1);
    }

    @Test
    void anotherProcessDownloadingTheSameBlobMakesThisOneWait() throws Exception {
        server.cdnDelayMillis = 800;
        try (ChildProcess other = ChildProcess.start(new ProcessBuilder(JavaCommand.of(OtherProcess.class, List.of(),
                List.of(server.endpoint(), cacheDir.toString())))
                .redirectErrorStream(true).redirectOutput(temp.resolve("other-process.log").toFile()), Duration.ofMinutes(2))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.count("cdn", "GET") == 0 && System.nanoTime() < deadline && other.isAlive()) {
                Thread.sleep(20);
            }
            assertThat(server.count("cdn", "GET")).as("the other process started its download").isEqualTo(1);

            Path snapshot = client().snapshot(REPO, "main", List.of("model.safetensors"));

            assertThat(other.waitFor()).as(Files.readString(temp.resolve("other-process.log"))).isZero();
            assertThat(snapshot.resolve("model.safetensors")).hasBinaryContent(WEIGHTS);
            assertThat(server.count("cdn", "GET")).as("this process waited for the blob instead of fetching it").isEqualTo(1);
        }
    }

    /** The other process of {@link #anotherProcessDownloadingTheSameBlobMakesThisOneWait}: downloads the weights once. */
    static final class OtherProcess {
        public static void main(String[] args) {
            HubClient.builder().environment(Map.of()).endpoint(args[0]).cacheDir(Path.of(args[1])).progress(false).build()
                    .snapshot(REPO, "main", List.of("model.safetensors"));
        }
    }

    @Test
    void offlineServesTheCachedSnapshotWithoutAnyRequest() {
        Path online = client().snapshot(REPO, "main", FILES);
        int before = server.requests().size();

        Path offline = client(b -> b.environment(Map.of("HF_HUB_OFFLINE", "1"))).snapshot(REPO, "main", FILES);

        assertThat(offline).isEqualTo(online);
        assertThat(offline.resolve("model.safetensors")).hasBinaryContent(WEIGHTS);
        assertThat(server.requests()).hasSize(before);
    }

    @Test
    void offlineWithAnEmptyCacheNamesRepositoryRevisionAndCache() {
        assertThatThrownBy(() -> client(b -> b.offline(true)).snapshot(REPO, "main", FILES))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.NOT_CACHED))
                .hasMessageContaining("'" + REPO + "'").hasMessageContaining("'main'").hasMessageContaining(repoFolder().toString())
                .hasMessageContaining("HF_HUB_OFFLINE");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void offlineWithoutARequiredFileNamesIt() {
        client().snapshot(REPO, "main", List.of("config.json"));

        assertThatThrownBy(() -> client(b -> b.offline(true)).snapshot(REPO, "main", FILES))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.NOT_CACHED))
                .hasMessageContaining("'1_Pooling/config.json'");
    }

    @Test
    void anUnreachableHubFallsBackToTheCache() {
        Path online = client().snapshot(REPO, "main", FILES);
        String endpoint = server.endpoint();
        server.close();

        HubClient unreachable = client(b -> b.endpoint(endpoint).maxAttempts(1).connectTimeout(Duration.ofSeconds(2)));
        assertThat(unreachable.snapshot(REPO, "main", FILES)).isEqualTo(online);
        assertThatThrownBy(() -> unreachable.snapshot("acme/never-downloaded", "main", FILES))
                .isInstanceOfSatisfying(HubException.class, e -> assertThat(e.reason()).isEqualTo(HubException.Reason.NETWORK))
                .hasMessageContaining(endpoint + "/acme/never-downloaded/resolve/main/config.json")
                .hasMessageContaining("1 attempt(s)");
    }

    @Test
    void fileUrlsArePercentEncodedLikeHuggingFaceHub() {
        HubClient client = client(b -> b.endpoint("https://hub.example/"));
        assertThat(client.endpoint()).hasToString("https://hub.example");
        assertThat(client.fileUrl("org/name", "refs/pr/1", "1_Pooling/config file+é.json"))
                .hasToString("https://hub.example/org/name/resolve/refs%2Fpr%2F1/1_Pooling/config%20file%2B%C3%A9.json");
    }

    @Test
    void etagsLoseQuotesAndTheWeakPrefix() {
        assertThat(HubClient.normalizeEtag("W/\"abc-1\"")).isEqualTo("abc-1");
        assertThat(HubClient.normalizeEtag("\"" + COMMIT + "\"")).isEqualTo(COMMIT);
        assertThatThrownBy(() -> HubClient.normalizeEtag("\"../../x\"")).hasMessageContaining("'../../x'");
    }

    @Test
    void settingsOutOfRangeNameTheSettingTheValueAndTheRange() {
        assertThatThrownBy(() -> client(b -> b.maxAttempts(0))).hasMessageContaining("max_attempts").hasMessageContaining("0")
                .hasMessageContaining("1");
        assertThatThrownBy(() -> client(b -> b.readTimeout(Duration.ZERO))).hasMessageContaining("read_timeout");
        assertThatThrownBy(() -> client(b -> b.endpoint("ftp://hub.example"))).hasMessageContaining("'ftp://hub.example'")
                .hasMessageContaining("HF_ENDPOINT");
        assertThatThrownBy(() -> client().snapshot("a/b/c", "main", FILES)).hasMessageContaining("'a/b/c'");
        assertThatThrownBy(() -> client().snapshot(REPO, "main", List.of("../secret"))).hasMessageContaining("'../secret'");
    }

    @Test
    void theBuilderOverridesTheEnvironment() {
        Map<String, String> environment = Map.of("HF_HUB_OFFLINE", "1", "HF_TOKEN", "hf_env", "HF_ENDPOINT", "https://mirror.example",
                "HF_HUB_CACHE", temp.resolve("env-cache").toString());
        HubClient fromEnvironment = HubClient.builder().environment(environment).build();
        assertThat(fromEnvironment.isOffline()).isTrue();
        assertThat(fromEnvironment.hasToken()).isTrue();
        assertThat(fromEnvironment.endpoint()).hasToString("https://mirror.example");
        assertThat(fromEnvironment.cache().root()).isEqualTo(temp.resolve("env-cache"));

        HubClient overridden = HubClient.builder().environment(environment).offline(false).token(null).endpoint(server.endpoint())
                .cacheDir(cacheDir).build();
        assertThat(overridden.isOffline()).isFalse();
        assertThat(overridden.hasToken()).isFalse();
        assertThat(overridden.endpoint()).hasToString(server.endpoint());
        assertThat(overridden.cache().root()).isEqualTo(cacheDir);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException notYet) {
            return -1;
        }
    }

    private void assertNoIncompleteFiles() {
        try (Stream<Path> files = Files.walk(cacheDir)) {
            assertThat(files.map(Path::toString)).noneMatch(name -> name.endsWith(".incomplete") || name.contains(".tmp-"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(42).nextBytes(bytes);
        return bytes;
    }
}
