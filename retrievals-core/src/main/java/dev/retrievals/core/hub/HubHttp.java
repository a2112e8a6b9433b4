package dev.retrievals.core.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP for the hub client: redirects followed by hand (so the token is sent to the hub's own
 * origin only, never to LFS storage on another host), bounded retries with exponential back-off,
 * and hub status codes turned into {@link HubException}s.
 */
final class HubHttp {
    private static final Logger LOG = LoggerFactory.getLogger(HubHttp.class);
    static final int MAX_REDIRECTS = 10;
    private static final String USER_AGENT = "retrievals-hub/0.1; java/" + Runtime.version().feature();

    /** One try of a request; an {@link IOException} means "try again". */
    @FunctionalInterface
    interface Attempt<T> {
        T run() throws IOException;
    }

    private final HttpClient client;
    private final URI endpoint;
    private final String token;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration backoff;

    HubHttp(URI endpoint, String token, Duration connectTimeout, Duration requestTimeout, int maxAttempts, Duration backoff) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.endpoint = endpoint;
        this.token = token;
        this.requestTimeout = requestTimeout;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
    }

    /**
     * Runs {@code attempt} up to the configured number of times while it throws {@link IOException}.
     *
     * @throws HubException with reason NETWORK naming {@code url} and the number of attempts
     */
    <T> T withRetries(String what, URI url, Attempt<T> attempt) {
        IOException last = null;
        for (int tried = 1; tried <= maxAttempts; tried++) {
            try {
                return attempt.run();
            } catch (IOException e) {
                last = e;
                if (tried < maxAttempts) {
                    Duration pause = backoffBefore(tried + 1);
                    LOG.warn("{} {} failed (attempt {} of {}): {}; retrying in {} ms", what, url, tried, maxAttempts, e.toString(), pause.toMillis());
                    sleep(pause, url);
                }
            }
        }
        throw new HubException(HubException.Reason.NETWORK,
                what + " " + url + " failed after " + maxAttempts + " attempt(s); last error: " + last, last);
    }

    /** The pause before attempt {@code attempt} (2, 3, …): the back-off doubled each time, at most 64 times it. */
    Duration backoffBefore(int attempt) {
        return backoff.multipliedBy(1L << Math.min(attempt - 2, 6));
    }

    /**
     * Sends one request and follows redirects until a non-redirect answer or, when
     * {@code stopAtOtherOrigin}, until a redirect leaves the hub's origin (the hub's own answer
     * then carries the file's metadata, and its {@code Location} is where the bytes are).
     */
    <T> HttpResponse<T> send(String method, URI uri, Map<String, String> headers, HttpResponse.BodyHandler<T> handler,
            boolean stopAtOtherOrigin) throws IOException {
        URI current = uri;
        for (int hop = 0;; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current)
                    .timeout(requestTimeout)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .header("User-Agent", USER_AGENT);
            headers.forEach(request::header);
            if (token != null && sameOrigin(current, endpoint)) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<T> response;
            try {
                response = client.send(request.build(), handler);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HubException(HubException.Reason.NETWORK, "Interrupted while requesting " + current, e);
            }
            String location = response.headers().firstValue("Location").orElse(null);
            if (!isRedirect(response.statusCode()) || location == null) {
                return response;
            }
            URI next = current.resolve(location);
            if (stopAtOtherOrigin && !sameOrigin(next, endpoint)) {
                return response;
            }
            discard(response);
            if (hop >= MAX_REDIRECTS) {
                throw new HubException(HubException.Reason.PROTOCOL, "More than " + MAX_REDIRECTS + " redirects starting from " + uri);
            }
            current = next;
        }
    }

    /**
     * Turns an error status into an exception: 401/403 and 404 into a {@link HubException} that
     * names the repository, revision and file; 429 and 5xx into an {@link IOException} (retried).
     */
    void failOnStatus(HttpResponse<?> response, String repoId, String revision, String file) throws IOException {
        int status = response.statusCode();
        if (status >= 200 && status < 400) {
            return;
        }
        String code = response.headers().firstValue("X-Error-Code").orElse("");
        String hubSays = response.headers().firstValue("X-Error-Message").map(m -> " The hub says: " + m).orElse("");
        if (status == 401 || status == 403) {
            String gated = code.equals("GatedRepo") ? " The repository is gated: accept its conditions on the hub first." : "";
            throw new HubException(HubException.Reason.UNAUTHORIZED, "Access to repository '" + repoId + "' (file '" + file
                    + "', revision '" + revision + "') was refused with HTTP " + status + " by " + response.uri()
                    + ". The repository may be private or gated, or may not exist; " + (token == null
                            ? "a token may be needed: set HF_TOKEN (or HubClient.builder().token(...)) to a token with read access."
                            : "the token that was sent (HF_TOKEN or HubClient.builder().token(...)) lacks access to it.")
                    + gated + hubSays);
        }
        if (status == 404) {
            throw notFound(code, repoId, revision, file, response.uri() + hubSays);
        }
        if (status == 408 || status == 429 || status >= 500) {
            throw new IOException("HTTP " + status + " from " + response.uri());
        }
        throw new HubException(HubException.Reason.PROTOCOL, "Unexpected HTTP " + status + " from " + response.uri()
                + " for file '" + file + "' of repository '" + repoId + "' at revision '" + revision + "'." + hubSays);
    }

    /** The error for a 404, told apart by the hub's {@code X-Error-Code} header. */
    static HubException notFound(String errorCode, String repoId, String revision, String file, String where) {
        return switch (errorCode) {
            case "RepoNotFound" -> new HubException(HubException.Reason.REPOSITORY_NOT_FOUND,
                    "Repository '" + repoId + "' not found (" + where + "). Check the id; a private repository also needs HF_TOKEN.");
            case "RevisionNotFound" -> new HubException(HubException.Reason.REVISION_NOT_FOUND,
                    "Revision '" + revision + "' not found in repository '" + repoId + "' (" + where + ").");
            case "EntryNotFound" -> new HubException(HubException.Reason.FILE_NOT_FOUND,
                    "File '" + file + "' not found in repository '" + repoId + "' at revision '" + revision + "' (" + where + ").");
            default -> new HubException(HubException.Reason.FILE_NOT_FOUND, "File '" + file + "' not found in repository '" + repoId
                    + "' at revision '" + revision + "', or the repository or revision does not exist (HTTP 404 from " + where + ").");
        };
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT))
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static void discard(HttpResponse<?> response) {
        if (response.body() instanceof InputStream stream) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // the redirect's body is not needed
            }
        }
    }

    private static void sleep(Duration pause, URI url) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(HubException.Reason.NETWORK, "Interrupted while waiting to retry " + url, e);
        }
    }
}
