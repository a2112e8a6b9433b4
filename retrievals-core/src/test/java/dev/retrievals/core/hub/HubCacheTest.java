package dev.retrievals.core.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubCacheTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path root;

    @Test
    void pathsFollowTheHuggingFaceHubLayout() {
        HubCache cache = new HubCache(root);
        Path repo = root.resolve("models--BAAI--bge-small-zh-v1.5");
        assertThat(cache.repoFolder("BAAI/bge-small-zh-v1.5")).isEqualTo(repo);
        assertThat(cache.repoFolder("gpt2")).isEqualTo(root.resolve("models--gpt2"));
        assertThat(cache.blob("BAAI/bge-small-zh-v1.5", "abc")).isEqualTo(repo.resolve("blobs/abc"));
        assertThat(cache.incompleteBlob("BAAI/bge-small-zh-v1.5", "abc")).isEqualTo(repo.resolve("blobs/abc.incomplete"));
        assertThat(cache.snapshotFile("BAAI/bge-small-zh-v1.5", COMMIT, "1_Pooling/config.json"))
                .isEqualTo(repo.resolve("snapshots/" + COMMIT + "/1_Pooling/config.json"));
        assertThat(cache.ref("BAAI/bge-small-zh-v1.5", "refs/pr/1")).isEqualTo(repo.resolve("refs/refs/pr/1"));
        assertThat(cache.missingMarker("BAAI/bge-small-zh-v1.5", COMMIT, "modules.json")).isEqualTo(repo.resolve(".no_exist/" + COMMIT + "/modules.json"));
        assertThat(cache.lockFile("BAAI/bge-small-zh-v1.5", "abc")).isEqualTo(root.resolve(".locks/models--BAAI--bge-small-zh-v1.5/abc.lock"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../evil", "/etc/passwd", "a//b", "a/./b", "a\\b", "a/../../b", ""})
    void unsafeFilePathsAreRejected(String file) {
        assertThatThrownBy(() -> new HubCache(root).snapshotFile("org/name", COMMIT, file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + file + "'").hasMessageContaining("relative path");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b/c", "../x", "org--x/name", "org/na..me", "/name", "org/", "-org/name"})
    void malformedRepositoryIdsAreRejected(String repoId) {
        assertThatThrownBy(() -> new HubCache(root).repoFolder(repoId))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + repoId + "'").hasMessageContaining("org/name");
    }

    @Test
    void refsRoundTripAndACommitNeedsNone() throws IOException {
        HubCache cache = new HubCache(root);
        assertThat(cache.cachedCommit("org/name", "main")).isEmpty();
        cache.writeRef("org/name", "main", COMMIT);
        assertThat(Files.readString(root.resolve("models--org--name/refs/main"))).isEqualTo(COMMIT);
        assertThat(cache.cachedCommit("org/name", "main")).contains(COMMIT);

        String other = "fedcba9876543210fedcba9876543210fedcba98";
        cache.writeRef("org/name", other, other);
        assertThat(root.resolve("models--org--name/refs/" + other)).doesNotExist();
        assertThat(cache.cachedCommit("org/name", other)).contains(other);
    }

    @Test
    void aLinkIsRelativeAndReplacedInOneStep() throws IOException {
        HubCache cache = new HubCache(root);
        Path first = Files.createDirectories(root.resolve("models--org--name/blobs")).resolve("first");
        Path second = first.resolveSibling("second");
        Files.writeString(first, "one");
        Files.writeString(second, "two");

        Path link = cache.link("org/name", COMMIT, "sub/file.txt", first);
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("../../../blobs/first"));
        cache.link("org/name", COMMIT, "sub/file.txt", second);

        assertThat(Files.readString(link)).isEqualTo("two");
        try (var siblings = Files.list(link.getParent())) {
            assertThat(siblings).containsExactly(link);
        }
    }
}
