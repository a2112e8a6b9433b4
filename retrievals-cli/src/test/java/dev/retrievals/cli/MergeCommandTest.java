package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.cli.CommandLineHelpTest.Result;
import dev.retrievals.core.safetensors.SafetensorsFile;
import dev.retrievals.core.testing.TinyModelFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code retrievals merge} writes ratio · tuned + (1 − ratio) · base; bad ratios and mismatched models get one line and exit 2. */
class MergeCommandTest {
    @TempDir
    Path dir;

    @Test
    void mergeWritesTheWeightedAverageAsAModelFolder() throws Exception {
        Path base = TinyModelFolder.write(dir.resolve("base"), 5);
        Path tuned = TinyModelFolder.write(dir.resolve("tuned"), 6);
        Path output = dir.resolve("merged");
        Result result = CommandLineHelpTest.run("merge", "--base", base.toString(), "--tuned", tuned.toString(), "--ratio", "0.25",
                "--output", output.toString());
        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("merged 0.25 x " + tuned);
        String name = "encoder.layer.1.attention.self.query.weight";
        float[] b = SafetensorsFile.read(base.resolve("model.safetensors")).tensor(name).orElseThrow().toFloatArray();
        float[] t = SafetensorsFile.read(tuned.resolve("model.safetensors")).tensor(name).orElseThrow().toFloatArray();
        float[] m = SafetensorsFile.read(output.resolve("model.safetensors")).tensor(name).orElseThrow().toFloatArray();
        for (int i = 0; i < m.length; i++) {
            assertThat((double) m[i]).as("%s[%d]", name, i).isCloseTo(0.25 * t[i] + 0.75 * b[i], org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(output.resolve("config.json")).exists();
        assertThat(output.resolve("modules.json")).exists();

        Path texts = Files.writeString(dir.resolve("texts.txt"), "hello world\n");
        Result encode = CommandLineHelpTest.run("encode", "--model", output.toString(), "--input", texts.toString());
        assertThat(encode.code()).as(encode.err()).isZero();
        assertThat(encode.out()).as("the merged folder loads and encodes").contains("\"embedding\"");
    }

    @Test
    void aRatioOutOfRangeOrModelsThatDoNotMatchGetOneLineAndExitTwo() throws Exception {
        Path tuned = TinyModelFolder.write(dir.resolve("tuned"), 7);
        Path output = dir.resolve("merged");
        Result ratio = CommandLineHelpTest.run("merge", "--base", tuned.toString(), "--tuned", tuned.toString(), "--ratio", "1.5",
                "--output", output.toString());
        assertThat(ratio.code()).isEqualTo(2);
        assertThat(ratio.err().strip()).isEqualTo("retrievals: --ratio is 1.5; expected a number from 0 to 1 (the weight of the tuned model)");

        // MiniLM has 6 layers, the tiny model 2: the first tensor (by name) of a layer the tiny model lacks is named
        Result mismatch = CommandLineHelpTest.run("merge", "--base", "all-MiniLM-L6-v2", "--tuned", tuned.toString(), "--ratio", "0.5",
                "--output", output.toString());
        assertThat(mismatch.code()).isEqualTo(2);
        assertThat(mismatch.err().strip()).doesNotContain("\n").startsWith("retrievals: Cannot merge: tensor '")
                .contains("' of the base model all-MiniLM-L6-v2 is missing from the tuned model " + tuned);
        assertThat(Files.exists(output)).as("nothing written").isFalse();
    }
}
