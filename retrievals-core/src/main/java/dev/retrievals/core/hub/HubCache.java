package dev.retrievals.core.hub;

import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The on-disk layout of Python's {@code huggingface_hub} cache, so both share downloads.
 *
 * <pre>
 * {root}/models--{org}--{name}/
 *     blobs/{etag}                      file contents, named by the hub's etag
 *     blobs/{etag}.incomplete           a download in progress (never under the final name)
 *     refs/{revision}                   the commit hash a branch or tag pointed to
 *     snapshots/{commit}/{path}         relative symbolic link to ../../blobs/{etag}
 *     .no_exist/{commit}/{path}         empty marker: the repo has no such file at that commit
 * {root}/.locks/models--{org}--{name}/{etag}.lock
 * </pre>
 *
 * Repository ids, revisions and file paths are checked before they become paths, so none can
 * point outside the cache.
 */
public final class HubCache {
    private static final Pattern REPO_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    private static final Pattern ETAG = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

    private final Path root;

    /** A cache rooted at {@code root} (the {@code HF_HUB_CACHE} folder, for example {@code ~/.cache/huggingface/hub}). */
    public HubCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The cache folder. */
    public Path root() {
        return root;
    }

    /** The folder of one model repository: {@code models--{org}--{name}}. */
    public Path repoFolder(String repoId) {
        return root.resolve("models--" + checkRepoId(repoId).replace("/", "--"));
    }

    /** Where the file with this etag is stored once complete. */
    public Path blob(String repoId, String etag) {
        return repoFolder(repoId).resolve("blobs").resolve(checkEtag(etag));
    }

    /** Where the file with this etag is written while it downloads. */
    public Path incompleteBlob(String repoId, String etag) {
        return repoFolder(repoId).resolve("blobs").resolve(checkEtag(etag) + ".incomplete");
    }

    /** The lock file that serialises downloads of one blob across processes. */
    public Path lockFile(String repoId, String etag) {
        return root.resolve(".locks").resolve(repoFolder(repoId).getFileName()).resolve(checkEtag(etag) + ".lock");
    }

    /** The snapshot folder of one commit. */
    public Path snapshotFolder(String repoId, String commit) {
        return repoFolder(repoId).resolve("snapshots").resolve(checkCommit(commit));
    }

    /** A file inside a snapshot. */
    public Path snapshotFile(String repoId, String commit, String file) {
        return resolveRelative(snapshotFolder(repoId, commit), checkFile(file));
    }

    /** The file holding the commit hash that {@code revision} resolved to. */
    public Path ref(String repoId, String revision) {
        return resolveRelative(repoFolder(repoId).resolve("refs"), checkRevision(revision));
    }

    /** The marker saying the repository had no {@code file} at {@code commit}. */
    public Path missingMarker(String repoId, String commit, String file) {
        return resolveRelative(repoFolder(repoId).resolve(".no_exist").resolve(checkCommit(commit)), checkFile(file));
    }

    /**
     * The commit a revision resolves to without asking the hub: a 40-hex commit hash is itself,
     * anything else is read from {@code refs/}.
     */
    public Optional<String> cachedCommit(String repoId, String revision) {
        if (isCommitHash(revision)) {
            return Optional.of(revision);
        }
        Path ref = ref(repoId, revision);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        try {
            String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
            return isCommitHash(commit) ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read the cached ref " + ref + ": " + e, e);
        }
    }

    /** Records that {@code revision} points to {@code commit}; a commit hash needs no ref and is skipped. */
    public void writeRef(String repoId, String revision, String commit) {
        checkCommit(commit);
        if (revision.equals(commit)) {
            return;
        }
        Path ref = ref(repoId, revision);
        replaceAtomically(ref, temporary -> Files.writeString(temporary, commit, StandardCharsets.UTF_8));
    }

    /** Records that the repository has no {@code file} at {@code commit}. */
    public void markMissing(String repoId, String commit, String file) {
        Path marker = missingMarker(repoId, commit, file);
        replaceAtomically(marker, temporary -> Files.write(temporary, new byte[0]));
    }

    /**
     * Makes {@code snapshots/{commit}/{file}} a relative symbolic link to {@code blob}, replacing
     * any earlier link atomically; where links are not supported the blob is copied instead.
     */
    public Path link(String repoId, String commit, String file, Path blob) {
        Path target = snapshotFile(repoId, commit, file);
        Path relative = target.getParent().relativize(blob.toAbsolutePath().normalize());
        replaceAtomically(target, temporary -> {
            try {
                Files.createSymbolicLink(temporary, relative);
            } catch (UnsupportedOperationException | IOException noLinks) {
                Files.deleteIfExists(temporary);
                Files.copy(blob, temporary);
            }
        });
        return target;
    }

    /** True for a full 40-hex git commit hash. */
    public static boolean isCommitHash(String revision) {
        return revision != null && COMMIT.matcher(revision).matches();
    }

    /** Writes a file under a temporary sibling name, then renames it over {@code target}. */
    @FunctionalInterface
    interface Writer {
        /** Creates {@code temporary}, which does not exist yet. */
        void write(Path temporary) throws IOException;
    }

    static void replaceAtomically(Path target, Writer writer) {
        Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp-" + System.nanoTime() + "-" + Thread.currentThread().getId());
        try {
            Files.createDirectories(target.getParent());
            writer.write(temporary);
            moveAtomically(temporary, target);
        } catch (IOException e) {
            throw new RetrievalsException("Cannot write " + target + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // best effort: a leftover hidden temporary never carries a final name
            }
        }
    }

    /** Renames {@code from} to {@code to} in one step, replacing {@code to}. */
    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Checks a repository id ({@code name} or {@code org/name}). */
    static String checkRepoId(String repoId) {
        if (repoId == null) {
            throw new IllegalArgumentException("Repository id is missing; expected 'org/name', for example 'BAAI/bge-small-zh-v1.5'");
        }
        String[] parts = repoId.split("/", -1);
        boolean valid = parts.length <= 2 && !repoId.contains("--") && !repoId.contains("..");
        for (String part : parts) {
            valid &= REPO_PART.matcher(part).matches() && part.length() <= 96;
        }
        if (!valid) {
            throw new IllegalArgumentException("Repository id '" + repoId + "' is not valid; expected 'org/name' or 'name' with letters,"
                    + " digits, '-', '_', '.' (no '--' or '..'), for example 'BAAI/bge-small-zh-v1.5'");
        }
        return repoId;
    }

    /** Checks a branch, tag or commit name. */
    static String checkRevision(String revision) {
        if (revision == null || !isSafeRelativePath(revision)) {
            throw new IllegalArgumentException("Revision '" + revision + "' is not valid; expected a branch, tag or commit such as 'main'"
                    + " (no empty, '.' or '..' segments, no leading '/', no '\\')");
        }
        return revision;
    }

    /** Checks a file path inside a repository. */
    static String checkFile(String file) {
        if (file == null || !isSafeRelativePath(file)) {
            throw new IllegalArgumentException("File '" + file + "' is not valid; expected a relative path inside the repository such as"
                    + " '1_Pooling/config.json' (no empty, '.' or '..' segments, no leading '/', no '\\')");
        }
        return file;
    }

    static String checkCommit(String commit) {
        if (!isCommitHash(commit)) {
            throw new IllegalArgumentException("Commit '" + commit + "' is not a 40-hex git commit hash");
        }
        return commit;
    }

    static String checkEtag(String etag) {
        if (etag == null || !ETAG.matcher(etag).matches() || etag.length() > 128) {
            throw new IllegalArgumentException("Etag '" + etag + "' cannot name a blob; expected letters, digits, '-', '_', '.'");
        }
        return etag;
    }

    private static boolean isSafeRelativePath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.chars().anyMatch(c -> c < 0x20)) {
                return false;
            }
        }
        return true;
    }

    private static Path resolveRelative(Path base, String relative) {
        Path resolved = base;
        for (String segment : relative.split("/")) {
            resolved = resolved.resolve(segment);
        }
        return resolved;
    }
}
