package dev.retrievals.core.hub;

import dev.retrievals.core.spi.OptionSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads files of a Hugging Face Hub model repository into the cache layout of Python's
 * {@code huggingface_hub} ({@link HubCache}), so Java and Python share downloads.
 *
 * <p>Defaults come from the environment as in {@code huggingface_hub}: {@code HF_ENDPOINT},
 * {@code HF_HOME} / {@code HF_HUB_CACHE}, {@code HF_HUB_OFFLINE}, {@code HF_TOKEN}; the builder
 * overrides each. Per file the client asks {@code HEAD {endpoint}/{repo}/resolve/{revision}/{path}}
 * for the commit ({@code X-Repo-Commit}) and etag ({@code X-Linked-Etag}, else {@code ETag}),
 * downloads the blob once (following redirects, to LFS storage on another host without the token),
 * and links it into {@code snapshots/{commit}/}. The first file's commit pins the rest, so one
 * snapshot never mixes commits; later files already in that snapshot cost no request.
 *
 * <p>Offline, or when the hub cannot be reached, the snapshot is served from the cache
 * ({@code refs/{revision}} → {@code snapshots/{commit}}) or the call fails naming the repository,
 * revision and cache folder.
 *
 * <pre>{@code
 * Path model = HubClient.fromEnvironment().snapshot("BAAI/bge-small-zh-v1.5", "main",
 *         List.of("config.json", "tokenizer.json", "model.safetensors"), List.of("modules.json"));
 * }</pre>
 */
public final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final String OWNER = "HubClient";
    private static final OptionSpec<Integer> MAX_ATTEMPTS =
            OptionSpec.ofInt("max_attempts", 5, "tries per request before a network error is final").atLeast(1).atMost(100);
    private static final OptionSpec<Double> CONNECT_TIMEOUT =
            OptionSpec.ofDouble("connect_timeout", 10, "seconds to open a connection").greaterThan(0).atMost(3600);
    private static final OptionSpec<Double> REQUEST_TIMEOUT =
            OptionSpec.ofDouble("request_timeout", 30, "seconds until a response's headers arrive").greaterThan(0).atMost(3600);
    private static final OptionSpec<Double> READ_TIMEOUT =
            OptionSpec.ofDouble("read_timeout", 60, "seconds without a byte of a download before it is retried").greaterThan(0).atMost(3600);
    private static final OptionSpec<Double> RETRY_BACKOFF =
            OptionSpec.ofDouble("retry_backoff", 1, "seconds before the first retry, doubled for each further one").atLeast(0).atMost(600);

    private final URI endpoint;
    private final HubCache cache;
    private final boolean offline;
    private final boolean hasToken;
    private final HubHttp http;
    private final BlobDownloader downloader;

    private HubClient(Builder builder, HubEnvironment environment) {
        this.endpoint = checkEndpoint(builder.endpoint != null ? builder.endpoint : environment.endpoint());
        this.cache = new HubCache(builder.cacheDir != null ? builder.cacheDir : environment.hubCache());
        this.offline = builder.offline != null ? builder.offline : environment.offline();
        String token = builder.tokenSet ? builder.token : environment.token();
        this.hasToken = token != null;
        this.http = new HubHttp(endpoint, token, seconds(CONNECT_TIMEOUT, builder.connectTimeout),
                seconds(REQUEST_TIMEOUT, builder.requestTimeout), MAX_ATTEMPTS.check(builder.maxAttempts, OWNER),
                seconds(RETRY_BACKOFF, builder.retryBackoff));
        boolean progress = builder.progress != null ? builder.progress : environment.progressBars();
        this.downloader = new BlobDownloader(http, cache, seconds(READ_TIMEOUT, builder.readTimeout), progress);
    }

    /** A client configured from the environment only. */
    public static HubClient fromEnvironment() {
        return builder().build();
    }

    /** A builder whose unset settings fall back to the environment. */
    public static Builder builder() {
        return new Builder();
    }

    /** The hub's base URL. */
    public URI endpoint() {
        return endpoint;
    }

    /** The cache this client reads and fills. */
    public HubCache cache() {
        return cache;
    }

    /** True when the client never touches the network. */
    public boolean isOffline() {
        return offline;
    }

    /** True when requests to the hub carry a token. */
    public boolean hasToken() {
        return hasToken;
    }

    /** The download URL of one file: {@code {endpoint}/{repo}/resolve/{revision}/{path}}, percent-encoded. */
    public URI fileUrl(String repoId, String revision, String file) {
        StringBuilder url = new StringBuilder(endpoint.toString()).append('/').append(HubCache.checkRepoId(repoId))
                .append("/resolve/").append(percentEncode(HubCache.checkRevision(revision))).append('/');
        String[] segments = HubCache.checkFile(file).split("/");
        for (int i = 0; i < segments.length; i++) {
            url.append(i == 0 ? "" : "/").append(percentEncode(segments[i]));
        }
        return URI.create(url.toString());
    }

    /**
     * Downloads files that must all exist and returns the snapshot folder holding them.
     *
     * @throws HubException naming the repository, revision and file when one cannot be had
     */
    public Path snapshot(String repoId, String revision, List<String> files) {
        return snapshot(repoId, revision, files, List.of());
    }

    /**
     * Downloads {@code required} files (each must exist) and {@code optional} ones (skipped when the
     * repository lacks them), and returns the snapshot folder {@code snapshots/{commit}}.
     *
     * @throws HubException naming the repository, revision and file when a required file, the
     *     repository or the revision cannot be had, access is refused, or the network fails
     */
    public Path snapshot(String repoId, String revision, List<String> required, List<String> optional) {
        HubCache.checkRepoId(repoId);
        HubCache.checkRevision(revision);
        Set<String> requiredFiles = checkedFiles(required);
        Set<String> optionalFiles = checkedFiles(optional);
        optionalFiles.removeAll(requiredFiles);
        if (requiredFiles.isEmpty() && optionalFiles.isEmpty()) {
            throw new IllegalArgumentException("No files asked of repository '" + repoId + "'; name at least one, for example config.json");
        }
        if (offline) {
            return fromCache(repoId, revision, requiredFiles, optionalFiles, "HF_HUB_OFFLINE is set");
        }
        List<String> all = new ArrayList<>(requiredFiles);
        all.addAll(optionalFiles);
        String commit = HubCache.isCommitHash(revision) ? revision : null;
        for (String file : all) {
            boolean isRequired = requiredFiles.contains(file);
            if (commit != null && isCached(repoId, commit, file, isRequired, revision)) {
                continue;
            }
            RemoteFile remote;
            try {
                remote = metadata(repoId, commit != null ? commit : revision, file);
            } catch (HubException e) {
                if (e.reason() != HubException.Reason.NETWORK) {
                    throw e;
                }
                return fallBackToCache(repoId, revision, requiredFiles, optionalFiles, e);
            }
            if (commit == null && remote.commit() != null) {
                commit = remote.commit();
                cache.writeRef(repoId, revision, commit);
            }
            if (!remote.exists()) {
                missing(repoId, revision, file, isRequired, remote.commit());
                continue;
            }
            Path blob = downloader.fetch(repoId, revision, file, remote);
            cache.link(repoId, commit, file, blob);
        }
        if (commit == null) {
            throw new HubException(HubException.Reason.FILE_NOT_FOUND, "None of the files " + all + " exist in repository '" + repoId
                    + "' at revision '" + revision + "', or the repository does not exist (" + endpoint + ")");
        }
        Path folder = cache.snapshotFolder(repoId, commit);
        createFolder(folder);
        return folder;
    }

    /** True when the snapshot already has {@code file}, or the cache knows the commit lacks an optional one. */
    private boolean isCached(String repoId, String commit, String file, boolean isRequired, String revision) {
        if (Files.exists(cache.snapshotFile(repoId, commit, file))) {
            return true;
        }
        if (Files.exists(cache.missingMarker(repoId, commit, file))) {
            if (isRequired) {
                throw new HubException(HubException.Reason.FILE_NOT_FOUND, "File '" + file + "' does not exist in repository '" + repoId
                        + "' at revision '" + revision + "' (commit " + commit + ", recorded in " + cache.missingMarker(repoId, commit, file) + ")");
            }
            return true;
        }
        return false;
    }

    private void missing(String repoId, String revision, String file, boolean isRequired, String commit) {
        if (commit != null) {
            cache.markMissing(repoId, commit, file);
        }
        if (isRequired) {
            throw HubHttp.notFound(commit != null ? "EntryNotFound" : "", repoId, revision, file, fileUrl(repoId, revision, file).toString());
        }
        LOG.debug("Optional file '{}' is not in repository '{}' at revision '{}'", file, repoId, revision);
    }

    /** Asks the hub for one file's commit, etag, size and download location. */
    private RemoteFile metadata(String repoId, String revision, String file) {
        URI url = fileUrl(repoId, revision, file);
        return http.withRetries("Metadata request for", url, () -> {
            HttpResponse<Void> response = http.send("HEAD", url, Map.of("Accept-Encoding", "identity"),
                    HttpResponse.BodyHandlers.discarding(), true);
            String commit = response.headers().firstValue("X-Repo-Commit").orElse(null);
            if (commit != null && !HubCache.isCommitHash(commit)) {
                throw new HubException(HubException.Reason.PROTOCOL, "The hub sent X-Repo-Commit '" + commit + "' for " + url
                        + "; expected a 40-hex commit hash");
            }
            int status = response.statusCode();
            String errorCode = response.headers().firstValue("X-Error-Code").orElse("");
            if (status == 404 && !errorCode.equals("RepoNotFound") && !errorCode.equals("RevisionNotFound")) {
                return RemoteFile.missing(commit);
            }
            http.failOnStatus(response, repoId, revision, file);
            String etag = normalizeEtag(response.headers().firstValue("X-Linked-Etag")
                    .or(() -> response.headers().firstValue("ETag")).orElse(null));
            if (commit == null || etag == null) {
                throw new HubException(HubException.Reason.PROTOCOL, "The server at " + url + " sent no " + (commit == null ? "X-Repo-Commit" : "ETag")
                        + " header, which a Hugging Face Hub always sends; is HF_ENDPOINT (" + endpoint + ") a hub?");
            }
            boolean redirected = HubHttp.isRedirect(status);
            long size = response.headers().firstValueAsLong("X-Linked-Size").orElse(
                    redirected ? -1 : response.headers().firstValueAsLong("Content-Length").orElse(-1));
            URI download = redirected ? response.uri().resolve(response.headers().firstValue("Location").orElseThrow()) : response.uri();
            return new RemoteFile(true, commit, etag, size, download);
        });
    }

    /** After a network failure, serves the cached snapshot, or rethrows the failure when there is none. */
    private Path fallBackToCache(String repoId, String revision, Set<String> required, Set<String> optional, HubException failure) {
        try {
            Path cached = fromCache(repoId, revision, required, optional, "the hub could not be reached");
            LOG.warn("The hub is unreachable ({}); using the cached snapshot {}", failure.getMessage(), cached);
            return cached;
        } catch (HubException notCached) {
            failure.addSuppressed(notCached);
            throw failure;
        }
    }

    /** Serves a snapshot from the cache alone. */
    private Path fromCache(String repoId, String revision, Set<String> required, Set<String> optional, String why) {
        Path repoFolder = cache.repoFolder(repoId);
        Optional<String> commit = cache.cachedCommit(repoId, revision);
        Path folder = commit.map(c -> cache.snapshotFolder(repoId, c)).orElse(null);
        if (folder == null || !Files.isDirectory(folder)) {
            throw new HubException(HubException.Reason.NOT_CACHED, "Cannot download repository '" + repoId + "' at revision '" + revision
                    + "' (" + why + ") and the cache has no snapshot of it: looked for "
                    + (commit.isPresent() ? folder : cache.ref(repoId, revision)) + " in " + repoFolder
                    + ". Download it once online, or set HF_HUB_CACHE to a cache that has it.");
        }
        for (String file : required) {
            if (!Files.exists(cache.snapshotFile(repoId, commit.get(), file))) {
                throw new HubException(HubException.Reason.NOT_CACHED, "Cannot download file '" + file + "' of repository '" + repoId
                        + "' at revision '" + revision + "' (" + why + ") and the cached snapshot " + folder + " lacks it.");
            }
        }
        for (String file : optional) {
            if (!Files.exists(cache.snapshotFile(repoId, commit.get(), file)) && !Files.exists(cache.missingMarker(repoId, commit.get(), file))) {
                LOG.warn("Optional file '{}' of '{}' is not in the cached snapshot {}", file, repoId, folder);
            }
        }
        return folder;
    }

    private static Set<String> checkedFiles(List<String> files) {
        Set<String> checked = new LinkedHashSet<>();
        for (String file : files) {
            checked.add(HubCache.checkFile(file));
        }
        return checked;
    }

    /** Strips the weak-validator prefix and quotes, as {@code huggingface_hub} does. */
    static String normalizeEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String normalized = etag.trim();
        if (normalized.startsWith("W/")) {
            normalized = normalized.substring(2);
        }
        normalized = normalized.replace("\"", "");
        return normalized.isEmpty() ? null : HubCache.checkEtag(normalized);
    }

    /** Percent-encodes everything except RFC 3986 unreserved characters (Python's {@code quote(s, safe="")}). */
    static String percentEncode(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }

    private static void createFolder(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new HubException(HubException.Reason.NOT_CACHED, "Cannot create the snapshot folder " + folder + ": " + e, e);
        }
    }

    private static URI checkEndpoint(URI endpoint) {
        String scheme = endpoint.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("Hub endpoint '" + endpoint + "' (HF_ENDPOINT) is not valid; expected an http(s) URL"
                    + " such as " + HubEnvironment.DEFAULT_ENDPOINT);
        }
        String text = endpoint.toString();
        return URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    }

    private static Duration seconds(OptionSpec<Double> spec, Duration value) {
        double seconds = value == null ? spec.defaultValue() : value.toNanos() / 1e9;
        return Duration.ofNanos(Math.round(spec.check(seconds, OWNER) * 1e9));
    }

    /** Settings for a {@link HubClient}; anything not set comes from the environment or the defaults. */
    public static final class Builder {
        private Map<String, String> environment = System.getenv();
        private Path userHome = Path.of(System.getProperty("user.home"));
        private URI endpoint;
        private Path cacheDir;
        private boolean tokenSet;
        private String token;
        private Boolean offline;
        private Boolean progress;
        private Duration connectTimeout;
        private Duration requestTimeout;
        private Duration readTimeout;
        private Duration retryBackoff;
        private int maxAttempts = MAX_ATTEMPTS.defaultValue();

        private Builder() {}

        /** The variables to read defaults from (default: the process environment). */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /** The folder {@code ~} stands for (default: {@code user.home}). */
        public Builder userHome(Path userHome) {
            this.userHome = userHome;
            return this;
        }

        /** The hub's base URL (default: {@code HF_ENDPOINT}, else {@code https://huggingface.co}). */
        public Builder endpoint(String endpoint) {
            this.endpoint = URI.create(endpoint);
            return this;
        }

        /** The cache folder (default: {@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}). */
        public Builder cacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        /** The access token; {@code null} sends none (default: {@code HF_TOKEN}, else the stored login token). */
        public Builder token(String token) {
            this.tokenSet = true;
            this.token = token == null || token.isBlank() ? null : token.trim();
            return this;
        }

        /** Whether to stay off the network and serve from the cache (default: {@code HF_HUB_OFFLINE}). */
        public Builder offline(boolean offline) {
            this.offline = offline;
            return this;
        }

        /** Whether downloads of 1 MB or more draw a progress bar on stderr (default: unless {@code HF_HUB_DISABLE_PROGRESS_BARS}). */
        public Builder progress(boolean progress) {
            this.progress = progress;
            return this;
        }

        /** Time to open a connection (default 10 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Time until a response's headers arrive (default 30 s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Time without a byte of a download before the attempt fails and is retried (default 60 s). */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        /** Tries per request, including the first (default 5, 1 to 100). */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** Pause before the first retry, doubled for each further one (default 1 s). */
        public Builder retryBackoff(Duration retryBackoff) {
            this.retryBackoff = retryBackoff;
            return this;
        }

        /**
         * Builds the client.
         *
         * @throws dev.retrievals.core.spi.InvalidOptionException naming a setting out of range
         * @throws IllegalArgumentException for an endpoint that is not an http(s) URL
         */
        public HubClient build() {
            return new HubClient(this, new HubEnvironment(environment, userHome));
        }
    }
}
