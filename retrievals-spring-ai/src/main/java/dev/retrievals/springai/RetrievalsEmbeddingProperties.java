package dev.retrievals.springai;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the auto-configured embedding model, under {@code retrievals.embedding}:
 *
 * <pre>
 * retrievals.embedding.model=runs/infonce/onnx     # an export, a folder with model.onnx, an .onnx file or a run folder
 * retrievals.embedding.pooling=cls                 # only for plain Hugging Face graphs (no sentence_embedding output)
 * retrievals.embedding.normalize=true              # idem
 * retrievals.embedding.query-prompt=query:         # default: config_sentence_transformers.json beside the model
 * retrievals.embedding.document-prompt=
 * retrievals.embedding.max-length=512              # default: the export's, else 512
 * retrievals.embedding.batch-size=32
 * retrievals.embedding.intra-op-threads=0          # 0: ONNX Runtime chooses
 * retrievals.embedding.device=cpu                  # gpu or gpu:N need ONNX Runtime's GPU build
 * </pre>
 *
 * @param model the model to serve; the auto-configuration is off without it
 * @param pooling the pooling for graphs without a {@code sentence_embedding} output ({@code cls}, {@code mean}, ...)
 * @param normalize whether to L2-normalise after a pooling done in Java
 * @param queryPrompt the prompt before search queries; {@code null} for the model's own
 * @param documentPrompt the prompt before documents; {@code null} for the model's own
 * @param maxLength the longest text in tokens
 * @param batchSize texts per ONNX Runtime call
 * @param intraOpThreads threads of one operator (0: ONNX Runtime chooses)
 * @param device {@code cpu} (default), {@code gpu} or {@code gpu:N}
 */
@ConfigurationProperties(prefix = RetrievalsEmbeddingProperties.PREFIX)
public record RetrievalsEmbeddingProperties(
        Path model, String pooling, Boolean normalize, String queryPrompt, String documentPrompt,
        Integer maxLength, Integer batchSize, Integer intraOpThreads, String device) {
    /** The prefix of the properties. */
    public static final String PREFIX = "retrievals.embedding";
}
