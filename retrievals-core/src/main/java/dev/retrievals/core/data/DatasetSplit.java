package dev.retrievals.core.data;

/**
 * The two parts of {@link Dataset#trainTestSplit}.
 *
 * @param train the training rows
 * @param test the held-out rows
 */
public record DatasetSplit(Dataset train, Dataset test) {}
