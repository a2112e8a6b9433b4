package dev.retrievals.core.hub;

import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the settings Python's {@code huggingface_hub} reads, from the same environment variables
 * with the same defaults: {@code HF_ENDPOINT} ({@code https://huggingface.co}), {@code HF_HOME}
 * ({@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}), {@code HF_HUB_CACHE}
 * (else the older {@code HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub}), {@code HF_HUB_OFFLINE}
 * (true for 1, ON, YES, TRUE in any case), {@code HF_HUB_DISABLE_PROGRESS_BARS} and {@code HF_TOKEN} (else the older
 * {@code HUGGING_FACE_HUB_TOKEN}, else the file {@code HF_TOKEN_PATH}, default {@code $HF_HOME/token},
 * that {@code huggingface-cli login} writes).
 */
final class HubEnvironment {
    static final String DEFAULT_ENDPOINT = "https://huggingface.co";
    private static final Set<String> TRUE_VALUES = Set.of("1", "ON", "YES", "TRUE");

    private final Map<String, String> env;
    private final Path userHome;

    HubEnvironment(Map<String, String> env, Path userHome) {
        this.env = env;
        this.userHome = userHome;
    }

    URI endpoint() {
        String endpoint = value("HF_ENDPOINT");
        return URI.create(endpoint == null ? DEFAULT_ENDPOINT : endpoint);
    }

    Path hfHome() {
        String home = value("HF_HOME");
        if (home != null) {
            return expandHome(home);
        }
        String xdg = value("XDG_CACHE_HOME");
        return (xdg != null ? expandHome(xdg) : userHome.resolve(".cache")).resolve("huggingface");
    }

    Path hubCache() {
        String cache = value("HF_HUB_CACHE");
        if (cache == null) {
            cache = value("HUGGINGFACE_HUB_CACHE");
        }
        return cache != null ? expandHome(cache) : hfHome().resolve("hub");
    }

    boolean offline() {
        return isTrue("HF_HUB_OFFLINE");
    }

    boolean progressBars() {
        return !isTrue("HF_HUB_DISABLE_PROGRESS_BARS");
    }

    private boolean isTrue(String name) {
        String flag = value(name);
        return flag != null && TRUE_VALUES.contains(flag.toUpperCase(Locale.ROOT));
    }

    /** The token, or {@code null} when none is configured. */
    String token() {
        String token = value("HF_TOKEN");
        if (token == null) {
            token = value("HUGGING_FACE_HUB_TOKEN");
        }
        if (token != null) {
            return token;
        }
        String tokenPath = value("HF_TOKEN_PATH");
        Path file = tokenPath != null ? expandHome(tokenPath) : hfHome().resolve("token");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            String stored = Files.readString(file, StandardCharsets.UTF_8).trim();
            return stored.isEmpty() ? null : stored;
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read the Hugging Face token file " + file + ": " + e, e);
        }
    }

    /** A variable's trimmed value, or {@code null} when unset or blank. */
    private String value(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private Path expandHome(String path) {
        if (path.equals("~")) {
            return userHome;
        }
        if (path.startsWith("~/")) {
            return userHome.resolve(path.substring(2));
        }
        return Path.of(path);
    }
}
