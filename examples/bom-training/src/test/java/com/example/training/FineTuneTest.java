package com.example.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.data.SharedData;
import dev.retrievals.pytorch.AutoModelForEmbedding;
import dev.retrievals.trainer.TrainerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The BOM-only project trains: a few InfoNCE steps on real SICK pairs change the model it saves. */
class FineTuneTest {
    @TempDir
    Path output;

    @Test
    @Tag("slow")
    @Timeout(300)
    void aFewStepsTrainAndSaveAModelThatDiffersFromThePretrainedOne() {
        TrainerState state = FineTune.run(SharedData.resolve("triplets-sick-en/train.jsonl"), output, 3, 24);
        assertThat(state.globalStep()).isEqualTo(3);
        assertThat(state.lastLoss()).isFinite().isPositive();
        Path saved = output.resolve("model");
        assertThat(saved.resolve("model.safetensors")).isRegularFile();

        List<String> text = List.of("A lone biker is jumping in the air");
        try (AutoModelForEmbedding pretrained = AutoModelForEmbedding.fromPretrained("all-MiniLM-L6-v2", "mean");
                AutoModelForEmbedding trained = AutoModelForEmbedding.fromPretrained(saved.toString(), null)) {
            float[] before = pretrained.encode(text)[0];
            float[] after = trained.encode(text)[0];
            double largest = 0;
            for (int i = 0; i < before.length; i++) {
                largest = Math.max(largest, Math.abs(before[i] - after[i]));
            }
            assertThat(largest).as("largest change of the text's vector").isGreaterThan(1e-4);
        }
        assertThat(Files.isDirectory(output)).isTrue();
    }
}
