package dev.retrievals.trainer;

/**
 * One batch of a multi-dataset epoch: which training set it comes from (its position in the
 * trainer's list of sets) and the indices of its rows within that set.
 *
 * @param set the training set's position, from 0
 * @param rows row indices within that set
 */
public record TrainingSetBatch(int set, int[] rows) {}
