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
 */
@ConfigurationProperties(prefix = RetrievalsEmbeddingProperties.PREFIX)
public class RetrievalsEmbeddingProperties {
    /** The prefix of the properties. */
    public static final String PREFIX = "retrievals.embedding";

    private Path model;
    private String pooling;
    private Boolean normalize;
    private String queryPrompt;
    private String documentPrompt;
    private Integer maxLength;
    private Integer batchSize;
    private Integer intraOpThreads;
    private String device;

    /** The model to serve; the auto-configuration is off without it. */
    public Path getModel() {
        return model;
    }

    /** Sets {@link #getModel()}. */
    public void setModel(Path model) {
        this.model = model;
    }

    /** The pooling for graphs without a {@code sentence_embedding} output ({@code cls}, {@code mean}, ...). */
    public String getPooling() {
        return pooling;
    }

    /** Sets {@link #getPooling()}. */
    public void setPooling(String pooling) {
        this.pooling = pooling;
    }

    /** Whether to L2-normalise after a pooling done in Java. */
    public Boolean getNormalize() {
        return normalize;
    }

    /** Sets {@link #getNormalize()}. */
    public void setNormalize(Boolean normalize) {
        this.normalize = normalize;
    }

    /** The prompt before search queries; {@code null} for the model's own. */
    public String getQueryPrompt() {
        return queryPrompt;
    }

    /** Sets {@link #getQueryPrompt()}. */
    public void setQueryPrompt(String queryPrompt) {
        this.queryPrompt = queryPrompt;
    }

    /** The prompt before documents; {@code null} for the model's own. */
    public String getDocumentPrompt() {
        return documentPrompt;
    }

    /** Sets {@link #getDocumentPrompt()}. */
    public void setDocumentPrompt(String documentPrompt) {
        this.documentPrompt = documentPrompt;
    }

    /** The longest text in tokens. */
    public Integer getMaxLength() {
        return maxLength;
    }

    /** Sets {@link #getMaxLength()}. */
    public void setMaxLength(Integer maxLength) {
        this.maxLength = maxLength;
    }

    /** Texts per ONNX Runtime call. */
    public Integer getBatchSize() {
        return batchSize;
    }

    /** Sets {@link #getBatchSize()}. */
    public void setBatchSize(Integer batchSize) {
        this.batchSize = batchSize;
    }

    /** Threads of one operator (0: ONNX Runtime chooses). */
    public Integer getIntraOpThreads() {
        return intraOpThreads;
    }

    /** Sets {@link #getIntraOpThreads()}. */
    public void setIntraOpThreads(Integer intraOpThreads) {
        this.intraOpThreads = intraOpThreads;
    }

    /** {@code cpu} (default), {@code gpu} or {@code gpu:N}. */
    public String getDevice() {
        return device;
    }

    /** Sets {@link #getDevice()}. */
    public void setDevice(String device) {
        this.device = device;
    }
}
