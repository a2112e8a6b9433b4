package dev.retrievals.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.PairTokenizer;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.model.RunFolder;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.rerank.PairScorer;
import dev.retrievals.core.rerank.PairScoring;
import dev.retrievals.core.rerank.RankedDocument;
import dev.retrievals.core.spi.OptionSpec;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores (query, document) pairs with a cross-encoder on ONNX Runtime: a graph written by
 * {@link OnnxRankerExporter} (or any sequence-classification export with a {@code logits} output
 * {@code [batch, num_labels]}; its padding id then comes from {@code config.json} beside it, its
 * maximum length is 512 unless set). Pairs are tokenized as the model was trained
 * ({@link PairTokenizer}), sorted by length and batched, and the scores come back in input order.
 * Serving needs only ONNX Runtime and the tokenizer: no libtorch. Safe for concurrent callers (one
 * session serves them all).
 *
 * <pre>{@code
 * try (OnnxReranker reranker = OnnxReranker.builder(Path.of("exported-reranker")).build()) {
 *     List<RankedDocument> ranked = reranker.rank("what is BM25?", documents);
 * }
 * }</pre>
 */
public final class OnnxReranker implements PairScorer {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxReranker.class);
    /** The output of a cross-encoder graph. */
    public static final String LOGITS = "logits";
    private static final String OWNER = "OnnxReranker";
    static final OptionSpec<Integer> MAX_LENGTH =
            OptionSpec.ofInt("max_length", 512, "Longest pair in tokens, special tokens included.").atLeast(2);

    private final Path modelFile;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final TextTokenizer tokenizer;
    private final PairTokenizer pairs;
    private final Map<String, OnnxJavaType> inputTypes;
    private final int numLabels;
    private final boolean sigmoidInGraph;
    private final int batchSize;

    private OnnxReranker(Builder builder, Path modelFile, Path tokenizerFile, Path configFile) {
        this.modelFile = modelFile;
        this.batchSize = builder.batchSize;
        Map<String, String> metadata = OnnxModel.read(modelFile).metadataProps();
        int maxLength = builder.maxLength != null ? builder.maxLength
                : metadata.containsKey(OnnxExporter.META_MAX_LENGTH) ? Integer.parseInt(metadata.get(OnnxExporter.META_MAX_LENGTH))
                : MAX_LENGTH.defaultValue();
        long padId = OnnxEncoder.padTokenId(metadata, configFile);
        this.sigmoidInGraph = Boolean.parseBoolean(metadata.getOrDefault(OnnxRankerExporter.META_SIGMOID, "false"));
        this.environment = OrtEnvironment.getEnvironment();
        TextTokenizer opened = null;
        OrtSession openedSession = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (builder.intraOpThreads > 0) {
                options.setIntraOpNumThreads(builder.intraOpThreads);
            }
            openedSession = environment.createSession(modelFile.toString(), options);
            this.inputTypes = OnnxEncoder.inputTypes(openedSession, modelFile);
            NodeInfo logits = openedSession.getOutputInfo().get(LOGITS);
            long[] shape = logits != null && logits.getInfo() instanceof TensorInfo tensor ? tensor.getShape() : null;
            if (shape == null || shape.length != 2 || shape[1] < 1) {
                throw new RetrievalsException("ONNX model " + modelFile + " has outputs " + openedSession.getOutputNames() + "; a reranker"
                        + " needs '" + LOGITS + "' of shape [batch, num_labels]" + (shape == null ? "" : ", got " + Arrays.toString(shape))
                        + " (an embedding model is served by OnnxEncoder)");
            }
            this.numLabels = (int) shape[1];
            opened = TextTokenizer.fromFile(tokenizerFile, maxLength, padId);
            this.pairs = new PairTokenizer(opened, 0, 1);
        } catch (OrtException | RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            close(openedSession);
            throw e instanceof RetrievalsException re ? re : new RetrievalsException("Cannot use ONNX model " + modelFile + ": " + e.getMessage(), e);
        }
        this.session = openedSession;
        this.tokenizer = opened;
        LOG.debug("Loaded reranker {} ({} labels, sigmoid in graph: {})", modelFile, numLabels, sigmoidInGraph);
    }

    /** A builder for an {@code .onnx} file, a folder with {@code model.onnx} and {@code tokenizer.json}, or a run folder's export. */
    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /**
     * The first output of each pair {@code (queries[i], documents[i])} as the graph computes it: a
     * logit, or a probability when the sigmoid was exported inside the graph.
     */
    @Override
    public float[] score(List<String> queries, List<String> documents) {
        return PairScoring.scoreSorted(this::scoreBatch, queries, documents, batchSize);
    }

    /**
     * Scores pairs as probabilities ({@code sigmoid} true) or logits; a graph that applies the
     * sigmoid itself gives only probabilities, and asking it for logits is an error.
     */
    public float[] predict(List<String> queries, List<String> documents, boolean sigmoid) {
        if (sigmoidInGraph && !sigmoid) {
            throw new RetrievalsException("ONNX model " + modelFile + " applies the sigmoid in the graph; it gives probabilities, not logits");
        }
        float[] scores = score(queries, documents);
        return sigmoid && !sigmoidInGraph ? PairScoring.sigmoid(scores) : scores;
    }

    /** The documents ordered by their score with {@code query}, highest first. */
    public List<RankedDocument> rank(String query, List<String> documents) {
        return PairScoring.rank(this, query, documents, false);
    }

    private float[] scoreBatch(List<String> queries, List<String> documents) {
        TokenBatch batch = pairs.tokenize(queries, documents);
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            inputs.put("input_ids", OnnxEncoder.tensor(environment, inputTypes.get("input_ids"), batch.inputIds()));
            inputs.put("attention_mask", OnnxEncoder.tensor(environment, inputTypes.get("attention_mask"), batch.attentionMask()));
            if (inputTypes.containsKey("token_type_ids")) {
                inputs.put("token_type_ids", OnnxEncoder.tensor(environment, inputTypes.get("token_type_ids"), batch.tokenTypeIds()));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(LOGITS))) {
                FloatBuffer logits = ((OnnxTensor) result.get(0)).getFloatBuffer();
                float[] first = new float[batch.batchSize()];
                for (int row = 0; row < first.length; row++) {
                    first[row] = logits.get(row * numLabels);
                }
                return first;
            }
        } catch (OrtException e) {
            throw new RetrievalsException("ONNX Runtime failed on " + modelFile + " for a batch of " + batch.batchSize() + " x "
                    + batch.sequenceLength() + " tokens: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** The number of outputs per pair. */
    public int numLabels() {
        return numLabels;
    }

    /** Whether the graph applies the sigmoid itself (its scores are probabilities). */
    public boolean sigmoidInGraph() {
        return sigmoidInGraph;
    }

    @Override
    public void close() {
        tokenizer.close();
        close(session);
    }

    private void close(OrtSession toClose) {
        if (toClose == null) {
            return;
        }
        try {
            toClose.close();
        } catch (OrtException e) {
            LOG.warn("Closing the ONNX Runtime session of {} failed: {}", modelFile, e.getMessage());
        }
    }

    /** Settings of an {@link OnnxReranker}. */
    public static final class Builder {
        private final Path model;
        private Path tokenizer;
        private int batchSize = OnnxEncoder.BATCH_SIZE.defaultValue();
        private int intraOpThreads = OnnxEncoder.INTRA_OP_THREADS.defaultValue();
        private Integer maxLength;

        private Builder(Path model) {
            this.model = model;
        }

        /** The {@code tokenizer.json}; by default the one beside the model. */
        public Builder tokenizer(Path tokenizerJson) {
            this.tokenizer = tokenizerJson;
            return this;
        }

        /** Pairs per ONNX Runtime call (default 32). */
        public Builder batchSize(int value) {
            this.batchSize = OnnxEncoder.BATCH_SIZE.check(value, OWNER);
            return this;
        }

        /** Threads of one operator; 0 (the default) lets ONNX Runtime choose. */
        public Builder intraOpThreads(int value) {
            this.intraOpThreads = OnnxEncoder.INTRA_OP_THREADS.check(value, OWNER);
            return this;
        }

        /** The longest pair in tokens; by default the exported model's, otherwise 512. */
        public Builder maxLength(int value) {
            this.maxLength = MAX_LENGTH.check(value, OWNER);
            return this;
        }

        /** Opens the model; errors name the file and what was expected. */
        public OnnxReranker build() {
            Path location = RunFolder.onnxFolder(model);
            Path file = OnnxEncoder.Builder.modelFile(location);
            return new OnnxReranker(this, file, tokenizer != null ? tokenizer : OnnxEncoder.Builder.beside(location, file, "tokenizer.json"),
                    OnnxEncoder.Builder.beside(location, file, "config.json"));
        }
    }
}
