package dev.retrievals.losses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The core's {@link LossInputs}, tested here where an engine is on the class path. */
class LossInputsTest {
    @Test
    void negativesPerQueryIsInferredFromTheRows() {
        try (NDManager manager = LossTestKit.root().newSubManager()) {
            NDArray queries = manager.zeros(new Shape(3, 4), DataType.FLOAT32);
            LossInputs inputs = LossInputs.of(Map.of(LossInputs.QUERY, queries));
            assertThat(inputs.negativesPerQuery()).isZero();
            assertThat(inputs.with(LossInputs.NEGATIVE, manager.zeros(new Shape(6, 4))).negativesPerQuery()).isEqualTo(2);
            assertThat(inputs.with(LossInputs.NEGATIVE, manager.zeros(new Shape(3, 4))).negativesPerQuery()).isEqualTo(1);
            assertThatThrownBy(() -> inputs.with(LossInputs.NEGATIVE, manager.zeros(new Shape(7, 4))).negativesPerQuery())
                    .isInstanceOf(LossInputException.class)
                    .hasMessage("Expected negative of shape [batch * n, dim] with n >= 1 negatives per query, query-major, for 3 queries;"
                            + " got (7, 4) (7 rows is not a positive multiple of 3)");
            assertThatThrownBy(() -> inputs.with(LossInputs.NEGATIVE, manager.zeros(new Shape(6))).negativesPerQuery())
                    .isInstanceOf(LossInputException.class).hasMessage("Expected negative of shape [rows, dim], got (6)");
        }
    }

    @Test
    void withReturnsACopyAndLeavesTheOriginal() {
        try (NDManager manager = LossTestKit.root().newSubManager()) {
            LossInputs inputs = LossInputs.of(Map.of(LossInputs.QUERY, manager.zeros(new Shape(2, 2))));
            LossInputs more = inputs.with(LossInputs.POSITIVE, manager.ones(new Shape(2, 2)));

            assertThat(inputs.roles()).containsExactly(LossInputs.QUERY);
            assertThat(more.roles()).containsExactly(LossInputs.QUERY, LossInputs.POSITIVE);
            assertThat(more.has(LossInputs.POSITIVE)).isTrue();
            assertThat(inputs.optional(LossInputs.POSITIVE)).isNull();
            assertThatThrownBy(() -> inputs.require(LossInputs.LABEL)).isInstanceOf(LossInputException.class)
                    .hasMessage("The loss needs input 'label' but the batch has only [query]");
        }
    }
}
