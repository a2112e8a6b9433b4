package dev.retrievals.trainer;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.data.BatchSampler;
import dev.retrievals.core.data.CollatedBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A training set as the trainer uses it: its rows in memory (checked against the collator), train type and batch sampler. */
final class ActiveTrainingSet {
    final TrainingSet spec;
    final List<Map<String, Object>> rows;
    final TrainType trainType;
    final BatchSampler sampler;
    double lossSinceLog;
    int stepsSinceLog;

    ActiveTrainingSet(TrainingSet spec, TrainType trainType, BatchSampler sampler) {
        this.spec = spec;
        // every row checked against the collator's column types here, so an error names its file and line
        this.rows = spec.dataset().validate(spec.collator().columnTypes()).toList();
        if (rows.isEmpty()) {
            throw new RetrievalsException("The training dataset " + spec.dataset().name() + " has no rows");
        }
        this.trainType = trainType != null ? trainType : TrainType.inferFrom(spec.loss().requiredInputs());
        this.sampler = sampler;
    }

    String name() {
        return spec.name();
    }

    CollatedBatch collate(int[] indices) {
        List<Map<String, Object>> batchRows = new ArrayList<>(indices.length);
        for (int index : indices) {
            batchRows.add(rows.get(index));
        }
        return spec.collator().collate(batchRows);
    }
}
