package dev.retrievals.core.hub;

import java.net.URI;

/**
 * What the hub said about one file: the commit the revision resolved to, the blob's etag, its
 * size ({@code -1} when unknown) and where to fetch it (after a redirect to LFS storage, another host).
 * A file the repository does not have has {@code exists == false} and possibly a commit.
 */
record RemoteFile(boolean exists, String commit, String etag, long size, URI downloadUrl) {

    static RemoteFile missing(String commit) {
        return new RemoteFile(false, commit, null, -1, null);
    }
}
