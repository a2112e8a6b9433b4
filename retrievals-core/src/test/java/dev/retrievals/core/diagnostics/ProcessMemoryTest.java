package dev.retrievals.core.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
    @Test
    void residentMemoryIsPositiveAndAtMostItsPeak() {
        long resident = ProcessMemory.residentKilobytes();
        assertThat(resident).isPositive();
        assertThat(ProcessMemory.peakResidentKilobytes()).isGreaterThanOrEqualTo(resident);
    }

    @Test
    void liveNDArraysCountsAnArrayUntilItsManagerCloses() {
        Engine engine = Engine.getEngine("PyTorch");
        long before = ProcessMemory.liveNDArrays(engine);
        try (NDManager manager = engine.newBaseManager()) {
            NDArray array = manager.create(new float[] {1, 2, 3});
            assertThat(ProcessMemory.liveNDArrays(engine)).isEqualTo(before + 1);
            assertThat(array.getShape().size()).isEqualTo(3);
        }
        assertThat(ProcessMemory.liveNDArrays(engine)).isEqualTo(before);
    }
}
