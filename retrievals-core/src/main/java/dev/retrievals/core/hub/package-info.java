/**
 * A Hugging Face Hub download client ({@link dev.retrievals.core.hub.HubClient}) that shares the
 * cache of Python's {@code huggingface_hub} ({@link dev.retrievals.core.hub.HubCache}): same
 * environment variables, same folder layout, resumable downloads that never leave a half-written
 * file under its final name, and a clear {@link dev.retrievals.core.hub.HubException} for every failure.
 */
package dev.retrievals.core.hub;
