/**
 * What a training loss is to the rest of the project: {@link dev.retrievals.core.loss.Loss} over
 * {@link dev.retrievals.core.loss.LossInputs} (embeddings, labels and scores by role), and for
 * losses that own parameters and schedules {@link dev.retrievals.core.loss.StatefulLoss} with its
 * {@link dev.retrievals.core.loss.LossMode} and {@link dev.retrievals.core.loss.LossState}
 * snapshots. Bad inputs raise {@link dev.retrievals.core.loss.LossInputException}; options that do
 * not go together raise {@link dev.retrievals.core.loss.LossConfigurationException}.
 */
package dev.retrievals.core.loss;
