package dev.retrievals.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.PairTokenizer;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.hub.HubClient;
import dev.retrievals.core.model.TrainableRanker;
import dev.retrievals.core.rerank.PairScoring;
import dev.retrievals.core.rerank.RankedDocument;
import dev.retrievals.pytorch.arch.ClassificationHead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trainable cross-encoder (reranker): a transformer encoder reads a (query, document) pair as one
 * sequence ({@code [CLS] q [SEP] d [SEP]}) and a classification head with Hugging Face's names
 * ({@link ClassificationHead}) gives one logit per pair. The Java counterpart of open-retrievals'
 * {@code AutoModelForRanking} and of sentence-transformers' {@code CrossEncoder}.
 *
 * <pre>{@code
 * try (AutoModelForRanking reranker = AutoModelForRanking.fromPretrained("path/to/reranker")) {
 *     List<RankedDocument> ranked = reranker.rank("what is BM25?", documents);
 * }
 * }</pre>
 *
 * <p>It loads Hugging Face cross-encoder folders ({@code BertForSequenceClassification},
 * {@code XLMRobertaForSequenceClassification} …), training run folders and Hub ids. A model
 * without a head (an embedding model, a bundled id) is an error unless the builder is asked to
 * start a new head ({@link Builder#startHeadIfMissing}), as training does; {@link Builder#initHead}
 * replaces an existing one. Saves as a folder that {@code AutoModelForSequenceClassification} and
 * sentence-transformers' {@code CrossEncoder} load. Logits are raw; {@link #predict(List, List,
 * boolean)} applies the sigmoid on request. Concurrent scoring in evaluation mode is fine.
 */
public final class AutoModelForRanking implements TrainableRanker {
    private static final Logger LOG = LoggerFactory.getLogger(AutoModelForRanking.class);
    /** Pairs per forward pass in {@link #predict}. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final AutoModelForEmbedding encoder;
    private final ClassificationHead head;
    private final ModelParameters headParameters;
    private final int numLabels;
    private final PairTokenizer pairTokenizer;
    private volatile boolean training;

    private AutoModelForRanking(AutoModelForEmbedding encoder, ClassificationHead head, ModelParameters headParameters, int numLabels) {
        this.encoder = encoder;
        this.head = head;
        this.headParameters = headParameters;
        this.numLabels = numLabels;
        this.pairTokenizer = new PairTokenizer(encoder.tokenizer(), 0, 1);
    }

    /** Loads a cross-encoder that has a classification head; a model without one is an error naming it an embedding model. */
    public static AutoModelForRanking fromPretrained(String location) {
        return builder(location).build();
    }

    /** A builder for loading {@code location}: a folder, a run folder, a Hub id, a bundled id (with a new head) or an ONNX file. */
    public static Builder builder(String location) {
        return new Builder(location);
    }

    /** The logits of tokenized pairs, {@code [pairs, numLabels]}, in {@code scope}. */
    @Override
    public NDArray logits(TokenBatch pairs, NDManager scope) {
        NDArray hidden = encoder.lastHiddenState(pairs, scope);
        // the head is one scoped group, as the encoder's layers are: only the logits outlive it
        DjlEncoderOps ops = new DjlEncoderOps(headParameters.all(), training, headParameters.dataType(), encoder.isScopedForward());
        return ops.scoped(() -> head.logits(ops, encoder.config(), hidden));
    }

    /** The logit of the first label of each pair {@code (queries[i], documents[i])}, in input order. */
    @Override
    public float[] score(List<String> queries, List<String> documents) {
        return predict(queries, documents, false);
    }

    /**
     * Scores pairs in batches of {@value #DEFAULT_BATCH_SIZE}, longest first; with {@code sigmoid}
     * the logits become probabilities (sentence-transformers' default for one-label models).
     */
    public float[] predict(List<String> queries, List<String> documents, boolean sigmoid) {
        float[] logits = PairScoring.scoreSorted(this::scoreBatch, queries, documents, DEFAULT_BATCH_SIZE);
        return sigmoid ? PairScoring.sigmoid(logits) : logits;
    }

    private float[] scoreBatch(List<String> queries, List<String> documents) {
        try (NDManager scope = newScope()) {
            NDArray logits = logits(pairTokenizer.tokenize(queries, documents), scope);
            float[] all = logits.toType(DataType.FLOAT32, false).toFloatArray();
            float[] first = new float[queries.size()];
            for (int row = 0; row < first.length; row++) {
                first[row] = all[row * numLabels];
            }
            return first;
        }
    }

    /** The documents ordered by their score with {@code query}, highest first; optionally as probabilities. */
    public List<RankedDocument> rank(String query, List<String> documents, boolean sigmoid) {
        return PairScoring.rank(this, query, documents, sigmoid);
    }

    /** The documents ordered by their logit with {@code query}, highest first. */
    public List<RankedDocument> rank(String query, List<String> documents) {
        return rank(query, documents, false);
    }

    @Override
    public NDManager newScope() {
        return encoder.newScope();
    }

    /**
     * Every weight by its Hugging Face checkpoint name ({@code bert.embeddings…},
     * {@code bert.pooler.dense…}, {@code classifier…}), the encoder's first.
     */
    @Override
    public Map<String, NDArray> parameters() {
        return named(encoder.parameters(), headParameters.all());
    }

    @Override
    public Map<String, NDArray> trainableParameters() {
        return named(encoder.trainableParameters(), headParameters.trainable());
    }

    private Map<String, NDArray> named(Map<String, NDArray> encoderArrays, Map<String, NDArray> headArrays) {
        Map<String, NDArray> named = new LinkedHashMap<>();
        encoderArrays.forEach((name, array) -> named.put(head.basePrefix() + name, array));
        headArrays.forEach((name, array) -> named.put(head.checkpointName(name), array));
        return named;
    }

    @Override
    public void train() {
        training = true;
        encoder.train();
        headParameters.setRequiresGradient(true);
    }

    @Override
    public void eval() {
        training = false;
        encoder.eval();
        headParameters.setRequiresGradient(false);
    }

    @Override
    public boolean isTraining() {
        return training;
    }

    @Override
    public TextTokenizer tokenizer() {
        return encoder.tokenizer();
    }

    /** The pair tokenizer (the model's tokenizer with its pair template and maximum length). */
    public PairTokenizer pairTokenizer() {
        return pairTokenizer;
    }

    @Override
    public int numLabels() {
        return numLabels;
    }

    /** The encoder under the head (its config, tokenizer, freezing). */
    public AutoModelForEmbedding encoder() {
        return encoder;
    }

    /** The head's kind. */
    public ClassificationHead head() {
        return head;
    }

    /** The head's weights by name (without the base-model prefix). */
    public ModelParameters headWeights() {
        return headParameters;
    }

    /**
     * Saves the model as a Hugging Face sequence-classification folder ({@code config.json} with
     * {@code architectures}, {@code num_labels}, {@code id2label}; {@code model.safetensors} with
     * Hugging Face names; tokenizer files), which {@code AutoModelForSequenceClassification},
     * sentence-transformers' {@code CrossEncoder} and {@link #fromPretrained} load. Atomic.
     */
    @Override
    public void save(Path folder) {
        RankerSaver.save(this, folder);
    }

    @Override
    public void close() {
        headParameters.close();
        encoder.close();
    }

    /** Loads a {@link AutoModelForRanking}. */
    public static final class Builder {
        private final String location;
        private ModelOptions options = ModelOptions.defaults();
        private boolean startHeadIfMissing;
        private boolean initHead;
        private int numLabels = 1;
        private long seed = 42;
        private Supplier<HubClient> hub = HubClient::fromEnvironment;

        private Builder(String location) {
            this.location = location;
        }

        /** Precision, device and maximum length of the pairs (pooling, normalisation and instructions do not apply). */
        public Builder modelOptions(ModelOptions value) {
            this.options = value;
            return this;
        }

        /** Starts a new head when the model has none (training from an embedding model); off by default. */
        public Builder startHeadIfMissing(boolean value) {
            this.startHeadIfMissing = value;
            return this;
        }

        /** Replaces the model's head with a new one (and starts one if it has none). */
        public Builder initHead(boolean value) {
            this.initHead = value;
            return this;
        }

        /** The number of labels of a new head (1, a relevance logit, by default). */
        public Builder numLabels(int value) {
            if (value < 1) {
                throw new RetrievalsException("num_labels is " + value + "; allowed: an integer >= 1");
            }
            this.numLabels = value;
            return this;
        }

        /** The seed of a new head's initial weights. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        Builder hub(Supplier<HubClient> value) {
            this.hub = value;
            return this;
        }

        /** Loads the model; fails naming the location when it has no head and none may be started. */
        public AutoModelForRanking build() {
            if (location == null || location.isBlank()) {
                throw new RetrievalsException("Model location is empty; expected a folder, a Hugging Face id or one of " + BundledModel.ids());
            }
            String encoderLocation = location;
            Map<String, NDArray> tensors = Map.of();
            NDManager scratch = PyTorchEngine.newManager(null);
            try {
                boolean folderLike = BundledModel.find(location).isEmpty()
                        && !(Files.isRegularFile(Path.of(location)) && location.endsWith(".onnx"));
                if (folderLike) {
                    Path folder = PretrainedLoader.folder(location, hub);
                    encoderLocation = folder.toString();
                    Path safetensors = folder.resolve("model.safetensors");
                    if (Files.isRegularFile(safetensors)) {
                        tensors = ModelFiles.readSafetensors(safetensors, scratch);
                    }
                }
                AutoModelForEmbedding encoder = AutoModelForEmbedding.fromPretrained(encoderLocation, null, options);
                try {
                    return withHead(encoder, tensors);
                } catch (RuntimeException e) {
                    encoder.close();
                    throw e;
                }
            } finally {
                scratch.close();
            }
        }

        private AutoModelForRanking withHead(AutoModelForEmbedding encoder, Map<String, NDArray> tensors) {
            TransformerConfig config = encoder.config();
            ClassificationHead head = ClassificationHead.of(config);
            Map<String, NDArray> byName = new LinkedHashMap<>();
            tensors.forEach((name, array) -> byName.put(name.startsWith(head.basePrefix()) ? name.substring(head.basePrefix().length()) : name, array));
            String classifierWeight = head == ClassificationHead.BERT ? "classifier.weight" : "classifier.out_proj.weight";
            NDArray existing = byName.get(classifierWeight);
            if (existing == null && !startHeadIfMissing && !initHead) {
                throw new RetrievalsException("Model '" + location + "' is an embedding model, not a reranker: it has no classification head"
                        + " (no tensor '" + classifierWeight + "'). Train a reranker from it with `retrievals train --task rerank --model "
                        + location + "`, or load it with AutoModelForEmbedding");
            }
            int labels = existing != null && !initHead ? (int) existing.getShape().get(0) : numLabels;
            Map<String, long[]> shapes = head.parameterShapes(config, labels);
            Map<String, NDArray> headTensors = new LinkedHashMap<>();
            try (NDManager scratch = PyTorchEngine.newManager(null)) {
                Random random = new Random(seed);
                double std = initializerRange(config);
                for (Map.Entry<String, long[]> entry : shapes.entrySet()) {
                    String name = entry.getKey();
                    NDArray loaded = byName.get(name);
                    boolean fresh = loaded == null || (initHead && head.isClassifier(name));
                    headTensors.put(name, fresh ? initialWeight(scratch, name, entry.getValue(), random, std) : loaded);
                }
                if (existing == null || initHead) {
                    LOG.info("{}: starting a new classification head ({} with {} label{}){}", location, head.architectureName(config), labels,
                            labels == 1 ? "" : "s", existing != null ? ", replacing the saved one (init_head)" : "");
                }
                ModelParameters parameters = ModelParameters.fromCheckpoint(encoder.weights().manager(), shapes, headTensors,
                        location, encoder.weights().dataType());
                return new AutoModelForRanking(encoder, head, parameters, labels);
            }
        }

        private static double initializerRange(TransformerConfig config) {
            var value = config.json().get("initializer_range");
            return value != null && !value.isJsonNull() ? value.getAsDouble() : 0.02;
        }

        /** Hugging Face's initialisation: weights from N(0, initializer_range), biases zero. */
        private static NDArray initialWeight(NDManager manager, String name, long[] shape, Random random, double std) {
            int size = Math.toIntExact(new Shape(shape).size());
            float[] values = new float[size];
            if (!name.endsWith(".bias")) {
                for (int i = 0; i < size; i++) {
                    values[i] = (float) (random.nextGaussian() * std);
                }
            }
            return manager.create(values, new Shape(shape));
        }
    }
}
