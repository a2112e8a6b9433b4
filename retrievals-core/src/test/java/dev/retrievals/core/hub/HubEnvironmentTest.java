package dev.retrievals.core.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubEnvironmentTest {
    @TempDir
    Path home;

    private HubEnvironment environment(Map<String, String> variables) {
        return new HubEnvironment(variables, home);
    }

    @Test
    void defaultsMatchHuggingFaceHub() {
        HubEnvironment empty = environment(Map.of());
        assertThat(empty.endpoint()).isEqualTo(URI.create("https://huggingface.co"));
        assertThat(empty.hfHome()).isEqualTo(home.resolve(".cache").resolve("huggingface"));
        assertThat(empty.hubCache()).isEqualTo(home.resolve(".cache").resolve("huggingface").resolve("hub"));
        assertThat(empty.offline()).isFalse();
        assertThat(empty.token()).isNull();
    }

    @Test
    void cacheFolderFollowsXdgThenHfHomeThenHubCache() {
        assertThat(environment(Map.of("XDG_CACHE_HOME", "/x")).hubCache()).isEqualTo(Path.of("/x/huggingface/hub"));
        assertThat(environment(Map.of("XDG_CACHE_HOME", "/x", "HF_HOME", "/hf")).hubCache()).isEqualTo(Path.of("/hf/hub"));
        assertThat(environment(Map.of("HF_HOME", "~/hf")).hubCache()).isEqualTo(home.resolve("hf").resolve("hub"));
        assertThat(environment(Map.of("HF_HOME", "/hf", "HUGGINGFACE_HUB_CACHE", "/old")).hubCache()).isEqualTo(Path.of("/old"));
        assertThat(environment(Map.of("HF_HOME", "/hf", "HUGGINGFACE_HUB_CACHE", "/old", "HF_HUB_CACHE", "/new")).hubCache())
                .isEqualTo(Path.of("/new"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "true", "TRUE", "yes", "On", " 1 "})
    void offlineIsOnForHuggingFaceTrueValues(String value) {
        assertThat(environment(Map.of("HF_HUB_OFFLINE", value)).offline()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "false", "no", "off", "", "2"})
    void offlineIsOffForOtherValues(String value) {
        assertThat(environment(Map.of("HF_HUB_OFFLINE", value)).offline()).isFalse();
    }

    @Test
    void endpointComesFromHfEndpoint() {
        assertThat(environment(Map.of("HF_ENDPOINT", "https://hf-mirror.com")).endpoint()).isEqualTo(URI.create("https://hf-mirror.com"));
    }

    @Test
    void tokenComesFromHfTokenThenTheLegacyVariableThenTheLoginFile() throws IOException {
        assertThat(environment(Map.of("HF_TOKEN", "hf_a", "HUGGING_FACE_HUB_TOKEN", "hf_b")).token()).isEqualTo("hf_a");
        assertThat(environment(Map.of("HUGGING_FACE_HUB_TOKEN", "hf_b")).token()).isEqualTo("hf_b");
        Path tokenFile = home.resolve(".cache/huggingface/token");
        Files.createDirectories(tokenFile.getParent());
        Files.writeString(tokenFile, "hf_stored\n");
        assertThat(environment(Map.of()).token()).isEqualTo("hf_stored");
        Path elsewhere = home.resolve("my-token");
        Files.writeString(elsewhere, "hf_elsewhere");
        assertThat(environment(Map.of("HF_TOKEN_PATH", elsewhere.toString())).token()).isEqualTo("hf_elsewhere");
    }
}
