package dev.retrievals.core.hub;

import dev.retrievals.core.RetrievalsException;

/** A Hugging Face Hub download or cache lookup that failed; {@link #reason()} says why. */
public final class HubException extends RetrievalsException {
    private static final long serialVersionUID = 1L;

    /** Why a hub request failed. */
    public enum Reason {
        /** HTTP 401 or 403: the repository is private or gated, or the token is wrong. */
        UNAUTHORIZED,
        /** The repository does not exist (or is invisible without a token). */
        REPOSITORY_NOT_FOUND,
        /** The branch, tag or commit does not exist in the repository. */
        REVISION_NOT_FOUND,
        /** The repository has no such file at that revision. */
        FILE_NOT_FOUND,
        /** The server could not be reached or the transfer kept failing after every retry. */
        NETWORK,
        /** A downloaded file's sha256 differs from the checksum the hub announced. */
        CHECKSUM_MISMATCH,
        /** Offline (or unreachable hub) and the cache does not hold what was asked for. */
        NOT_CACHED,
        /** The server answered something a Hugging Face Hub does not (missing headers, odd status). */
        PROTOCOL
    }

    private final Reason reason;

    /** An error with its reason and a message that names the repository, file or URL involved. */
    public HubException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** An error with its reason, a message and the lower-level cause. */
    public HubException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why the request failed. */
    public Reason reason() {
        return reason;
    }
}
