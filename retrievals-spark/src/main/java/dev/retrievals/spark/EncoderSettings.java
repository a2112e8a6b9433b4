package dev.retrievals.spark;

import java.io.Serializable;

/**
 * What an executor needs to open the same {@code OnnxEncoder} as every other executor: where the
 * model is, and the settings that decide its vectors and its threads. Equal settings share one
 * encoder per executor JVM ({@link ExecutorEncoders}).
 *
 * @param model a path every executor can read (a shared file system) or the name of a file or
 *     folder shipped with {@code --files} / {@code SparkContext.addFile}
 * @param pooling a pooling name for graphs without {@code sentence_embedding}, or {@code null}
 * @param maxLength the longest text in tokens, or {@code null} for the model's own
 * @param batchSize texts per ONNX Runtime call
 * @param threadsPerTask ONNX Runtime's intra-op threads (see {@link ThreadBudget})
 * @param normalize whether vectors are scaled to unit length
 * @param prompt text put before every text ("" for none), or {@code null} for the model's saved prompt of {@code role}
 * @param device {@code cpu}, {@code gpu} or {@code gpu:N} (ONNX Runtime's CUDA provider), or {@code null} for the CPU
 * @param role whose saved prompt applies when {@code prompt} is {@code null}: {@code query}, {@code document}, or
 *     {@code plain} (none)
 */
public record EncoderSettings(String model, String pooling, Integer maxLength, int batchSize, int threadsPerTask, boolean normalize,
        String prompt, String device, String role) implements Serializable {
    /** The roles whose saved prompt an encoder can apply. */
    static final java.util.List<String> ROLES = java.util.List.of("plain", "query", "document");
}
