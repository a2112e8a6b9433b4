/** Scoring (query, document) pairs: the contract cross-encoders serve through. */
package dev.retrievals.core.rerank;
