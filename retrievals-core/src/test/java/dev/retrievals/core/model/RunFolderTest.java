package dev.retrievals.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training output folder resolves to its model or its export; anything else passes through or is refused clearly. */
class RunFolderTest {
    @TempDir
    Path dir;

    private Path file(String relative) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{}");
        return file;
    }

    @Test
    void aFinishedRunResolvesToItsModelAndItsExport() throws IOException {
        file("run/metrics.jsonl");
        file("run/model/config.json");
        file("run/model/model.safetensors");
        file("run/onnx/config.json");
        file("run/onnx/model.onnx");
        Path run = dir.resolve("run");
        assertThat(RunFolder.isRunFolder(run)).isTrue();
        assertThat(RunFolder.modelFolder(run)).isEqualTo(run.resolve("model"));
        assertThat(RunFolder.onnxFolder(run)).isEqualTo(run.resolve("onnx"));
    }

    @Test
    void aModelFolderAFileAndAnIdPassThrough() throws IOException {
        Path config = file("plain/config.json");
        file("plain/onnx/model.onnx"); // Hugging Face keeps onnx/model.onnx inside the model folder
        Path model = config.getParent();
        assertThat(RunFolder.isRunFolder(model)).isFalse();
        assertThat(RunFolder.modelFolder(model)).isEqualTo(model);
        assertThat(RunFolder.onnxFolder(model)).isEqualTo(model);
        assertThat(RunFolder.modelFolder(config)).isEqualTo(config);
        assertThat(RunFolder.modelFolder(Path.of("bge-small-zh-v1.5"))).isEqualTo(Path.of("bge-small-zh-v1.5"));
    }

    @Test
    void aRunWithoutAnExportOrModelSaysWhatIsMissing() throws IOException {
        file("stopped/metrics.jsonl");
        file("stopped/checkpoint-5/model/config.json");
        file("stopped/checkpoint-40/model/config.json");
        file("stopped/checkpoint-7/model/config.json");
        Path run = dir.resolve("stopped");
        assertThat(RunFolder.newestCheckpoint(run)).contains(run.resolve("checkpoint-40"));
        assertThatThrownBy(() -> RunFolder.modelFolder(run)).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("has no saved model").hasMessageContaining(run.resolve("checkpoint-40").resolve("model").toString());
        assertThatThrownBy(() -> RunFolder.onnxFolder(run)).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("has no ONNX export").hasMessageContaining("retrievals export --model " + run);
    }

    @Test
    void aRunWithOnlyAnExportServesTheExportToBothLoaders() throws IOException {
        file("exported/onnx/config.json");
        file("exported/onnx/model.onnx");
        Path run = dir.resolve("exported");
        assertThat(RunFolder.modelFolder(run)).isEqualTo(run.resolve("onnx"));
    }

    @Test
    void aFolderThatIsNeitherIsRefused() throws IOException {
        file("notes/readme.txt");
        Path folder = dir.resolve("notes");
        assertThatThrownBy(() -> RunFolder.modelFolder(folder)).isInstanceOf(RetrievalsException.class)
                .hasMessageContaining(folder + " is neither a model").hasMessageContaining("nor a training run folder");
        assertThatThrownBy(() -> RunFolder.onnxFolder(folder)).hasMessageContaining("is neither a model");
    }
}
