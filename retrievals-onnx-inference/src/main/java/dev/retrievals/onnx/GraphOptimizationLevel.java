package dev.retrievals.onnx;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/** How much ONNX Runtime rewrites a graph when it loads it (its {@code GraphOptimizationLevel}). */
public enum GraphOptimizationLevel {
    /** No rewriting: the graph runs as written. */
    NONE(OptLevel.NO_OPT),
    /** Constant folding and redundant-node removal. */
    BASIC(OptLevel.BASIC_OPT),
    /** Basic plus operator fusions (attention, GELU, LayerNorm). */
    EXTENDED(OptLevel.EXTENDED_OPT),
    /** Everything, including layout changes (the default). */
    ALL(OptLevel.ALL_OPT);

    private final OptLevel ortLevel;

    GraphOptimizationLevel(OptLevel ortLevel) {
        this.ortLevel = ortLevel;
    }

    /** ONNX Runtime's constant. */
    OptLevel ortLevel() {
        return ortLevel;
    }
}
