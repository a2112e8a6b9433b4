package dev.retrievals.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenizerVocabulary;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.model.CheckpointedEmbedding;
import dev.retrievals.core.model.TrainableEncoder;
import dev.retrievals.core.pooling.Pooling;
import dev.retrievals.core.pooling.PoolingMath;
import dev.retrievals.core.pooling.PromptExcludingPooling;
import dev.retrievals.core.encode.Prompts;
import dev.retrievals.core.progress.ProgressBar;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.pytorch.arch.TransformerArchitecture;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trainable text-embedding model: a transformer encoder on DJL's PyTorch engine, a pooling and
 * optional L2 normalisation, with its tokenizer. The Java counterpart of open-retrievals'
 * {@code AutoModelForEmbedding}.
 *
 * <pre>{@code
 * try (AutoModelForEmbedding model = AutoModelForEmbedding.fromPretrained("bge-small-zh-v1.5", "cls")) {
 *     float[][] vectors = model.encode(List.of("今天天气很好", "The weather is nice today"));
 * }
 * }</pre>
 *
 * <p>In evaluation mode (the default) dropout is off and outputs are deterministic; {@link #train()}
 * turns dropout and gradient recording on. Not safe for concurrent training; concurrent
 * {@link #encode} calls in evaluation mode are fine.
 */
public final class AutoModelForEmbedding implements TrainableEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(AutoModelForEmbedding.class);
    /**
     * The system property that sets the initial {@link #setScopedForward scoped-forward} setting of every
     * model loaded in this JVM ({@code -Dretrievals.scoped_forward=false} turns scoping off, for a
     * before/after measurement of a whole command).
     */
    public static final String SCOPED_FORWARD_PROPERTY = "retrievals.scoped_forward";
    /** The pooling used when neither the caller nor the saved model names one (open-retrievals' default). */
    public static final String DEFAULT_POOLING = "cls";

    private final NDManager manager;
    private final TransformerConfig config;
    private final TransformerArchitecture architecture;
    private final ModelParameters parameters;
    private final String poolingName;
    private final Pooling pooling;
    private final boolean normalize;
    private final TextTokenizer tokenizer;
    private final Map<String, byte[]> tokenizerFiles;
    private final Prompts prompts;
    private final int queryPromptLength;
    private final int documentPromptLength;
    private volatile boolean training;
    private volatile boolean scopedForward = !"false".equalsIgnoreCase(System.getProperty(SCOPED_FORWARD_PROPERTY));

    private AutoModelForEmbedding(
            NDManager manager, TransformerConfig config, TransformerArchitecture architecture, ModelParameters parameters,
            String poolingName, boolean normalize, TextTokenizer tokenizer, Map<String, byte[]> tokenizerFiles,
            Prompts prompts) {
        this.manager = manager;
        this.config = config;
        this.architecture = architecture;
        this.parameters = parameters;
        this.poolingName = poolingName;
        this.pooling = PluginRegistry.global().create(PluginKinds.POOLING, poolingName);
        this.normalize = normalize;
        this.tokenizer = tokenizer;
        this.tokenizerFiles = Map.copyOf(tokenizerFiles);
        this.prompts = prompts;
        this.queryPromptLength = Prompts.tokenCount(tokenizer, prompts.query());
        this.documentPromptLength = Prompts.tokenCount(tokenizer, prompts.document());
    }

    /** Loads a model with the pooling its files name (or {@value #DEFAULT_POOLING}). See {@link #fromPretrained(String, String, ModelOptions)}. */
    public static AutoModelForEmbedding fromPretrained(String location) {
        return fromPretrained(location, null, ModelOptions.defaults());
    }

    /** Loads a model with a pooling. See {@link #fromPretrained(String, String, ModelOptions)}. */
    public static AutoModelForEmbedding fromPretrained(String location, String pooling) {
        return fromPretrained(location, pooling, ModelOptions.defaults());
    }

    /**
     * Loads a model.
     *
     * @param location a Hugging Face or sentence-transformers folder ({@code config.json},
     *     {@code model.safetensors}, {@code tokenizer.json}), an ONNX file with its
     *     {@code tokenizer.json} and {@code config.json} beside it, or the id of a model bundled
     *     from Maven Central ({@code bge-small-zh-v1.5}, {@code all-MiniLM-L6-v2})
     * @param pooling a pooling name, or {@code null} for the model's own
     * @param options precision, device, normalisation, maximum length, prompts
     */
    public static AutoModelForEmbedding fromPretrained(String location, String pooling, ModelOptions options) {
        ModelOptions effective = pooling == null ? options : options.withPooling(pooling);
        return PretrainedLoader.load(location, effective);
    }

    /**
     * Builds a model from weights already in memory.
     *
     * @param config the model's {@code config.json}
     * @param tensors weights by Hugging Face name; they are copied, the caller keeps ownership
     * @param source where the weights came from, for messages
     * @param tokenizerFiles file name to content; must hold {@code tokenizer.json}, and is written back by {@link #save}
     * @param saved the settings found in the model's files (pooling, normalisation, length, prompts); the caller's {@code options} win
     */
    static AutoModelForEmbedding create(
            TransformerConfig config, Map<String, NDArray> tensors, String source, Map<String, byte[]> tokenizerFiles,
            ModelOptions saved, ModelOptions options) {
        TransformerArchitecture architecture = ModelFiles.architecture(config);
        String poolingName = firstNonNull(options.pooling(), saved.pooling(), DEFAULT_POOLING);
        PluginRegistry.global().provider(PluginKinds.POOLING, poolingName);
        boolean normalize = firstNonNull(options.normalize(), saved.normalize(), Boolean.FALSE);
        Precision precision = firstNonNull(options.precision(), saved.precision(), Precision.FP32);
        int maxLength = firstNonNull(options.maxLength(), saved.maxLength(), defaultMaxLength(config));
        byte[] tokenizerJson = tokenizerFiles.get("tokenizer.json");
        if (tokenizerJson == null) {
            throw new RetrievalsException(source + ": no tokenizer.json beside the model");
        }
        TokenizerVocabulary.checkFits(tokenizerJson, "tokenizer.json beside " + source, config.vocabSize(), config.source());
        NDManager manager = PyTorchEngine.newManager(options.device());
        TextTokenizer tokenizer = null;
        try {
            ModelParameters parameters = ModelParameters.fromCheckpoint(
                    manager, architecture.parameterShapes(config), tensors, source, precision.dataType());
            tokenizer = TextTokenizer.fromStream(new ByteArrayInputStream(tokenizerJson), "tokenizer.json beside " + source,
                    maxLength, config.padTokenId());
            return new AutoModelForEmbedding(manager, config, architecture, parameters, poolingName, normalize, tokenizer,
                    tokenizerFiles, options.promptsOver(saved));
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            manager.close();
            throw e;
        }
    }

    /** Position embeddings bound the length; RoBERTa-style models lose {@code pad_token_id + 1} of them. */
    private static int defaultMaxLength(TransformerConfig config) {
        int positions = config.maxPositionEmbeddings();
        if (config.architectureName().contains("roberta")) {
            positions -= (int) config.padTokenId() + 1;
        }
        return Math.min(512, positions);
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    @Override
    public NDManager newScope() {
        return manager.newSubManager();
    }

    /**
     * The encoder's output for a batch: {@code last_hidden_state}, {@code [batch, sequence, hidden]}.
     * Inputs and results live in {@code scope}.
     */
    public NDArray lastHiddenState(TokenBatch batch, NDManager scope) {
        return lastHiddenState(newOps(), batch, scope);
    }

    private DjlEncoderOps newOps() {
        return new DjlEncoderOps(parameters.all(), training, parameters.dataType(), scopedForward);
    }

    private NDArray lastHiddenState(DjlEncoderOps ops, TokenBatch batch, NDManager scope) {
        NDArray ids = scope.create(batch.inputIds());
        NDArray mask = scope.create(batch.attentionMask());
        NDArray types = architecture.usesTokenTypes(config) ? scope.create(batch.tokenTypeIds()) : null;
        return architecture.lastHiddenState(ops, config, ids, mask, types);
    }

    /**
     * Embeds a batch. With {@code include_prompt: false} the pooling leaves out the batch's
     * {@link TokenBatch#promptLength() prompt tokens} (the encoder still attends to them).
     */
    @Override
    public NDArray embed(TokenBatch batch, NDManager scope) {
        return embed(batch, scope, normalize);
    }

    /**
     * With activation checkpointing (in training): the forward pass records no graph and keeps only
     * each layer's input; {@link CheckpointedEmbedding#backPropagate} runs each layer again, last
     * first, and back-propagates through it ({@link LayerCheckpoints}). Gradients are those of
     * {@link #embed}; the memory is one layer's graph instead of all of them, for one more forward
     * pass. Outside training this is {@link #embed}.
     */
    @Override
    public CheckpointedEmbedding embedCheckpointed(TokenBatch batch, NDManager scope) {
        if (!training) {
            return CheckpointedEmbedding.withGraph(embed(batch, scope));
        }
        DjlEncoderOps ops = newOps();
        LayerCheckpoints checkpoints = new LayerCheckpoints(ops, parameters.all(), scope);
        NDArray hidden = lastHiddenState(ops, batch, scope); // no graph: a leaf
        hidden.setRequiresGradient(true);
        NDArray embedding = pool(hidden, batch, scope, normalize);
        return new CheckpointedEmbedding(embedding, collector -> {
            NDArray gradient = hidden.getGradient();
            gradient.attach(scope);
            checkpoints.backPropagate(gradient, collector);
        });
    }

    private NDArray embed(TokenBatch batch, NDManager scope, boolean normalized) {
        return pool(lastHiddenState(batch, scope), batch, scope, normalized);
    }

    /** The pooled (and possibly normalised) embeddings of a batch's last hidden state. */
    private NDArray pool(NDArray hidden, TokenBatch batch, NDManager scope, boolean normalized) {
        Pooling effective = prompts.includePrompt() ? pooling : PromptExcludingPooling.of(pooling, batch.promptLength());
        NDArray pooled = effective.pool(hidden, scope.create(batch.attentionMask()));
        return normalized ? PoolingMath.l2Normalize(pooled) : pooled;
    }

    @Override
    public float[][] encode(List<String> texts) {
        return encode(texts, EncodeOptions.defaults());
    }

    /** Embeddings of queries: the query prompt is prepended (and left out of the pooling with {@code include_prompt: false}). */
    public float[][] encodeQueries(List<String> texts) {
        return encode(texts, EncodeOptions.defaults().withRole(TextRole.QUERY));
    }

    /** Embeddings of documents: the document prompt is prepended (and left out of the pooling with {@code include_prompt: false}). */
    public float[][] encodeDocuments(List<String> texts) {
        return encode(texts, EncodeOptions.defaults().withRole(TextRole.DOCUMENT));
    }

    /**
     * Embeds texts in batches. Texts are sorted by length so each batch pads only to its own
     * longest text; the result is in input order.
     */
    public float[][] encode(List<String> texts, EncodeOptions options) {
        return switch (options.role()) {
            case QUERY -> encode(texts, prompts.query(), queryPromptLength, options);
            case DOCUMENT -> encode(texts, prompts.document(), documentPromptLength, options);
            case PLAIN -> encode(texts, "", 0, options);
        };
    }

    /**
     * Embeddings of texts with {@code prompt} put before each, in place of a role's own prompt; with
     * {@code include_prompt: false} this prompt's tokens are left out of the pooling too.
     */
    @Override
    public float[][] encodeWithPrompt(List<String> texts, String prompt) {
        return encode(texts, prompt, Prompts.tokenCount(tokenizer, prompt), EncodeOptions.defaults());
    }

    private float[][] encode(List<String> texts, String prompt, int promptLength, EncodeOptions options) {
        List<String> prefixed = withPrompt(texts, prompt);
        List<Integer> order = new ArrayList<>(prefixed.size());
        for (int i = 0; i < prefixed.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> prefixed.get(i).length()).reversed());
        boolean normalized = options.normalize() != null ? options.normalize() : normalize;
        float[][] result = new float[prefixed.size()][];
        try (ProgressBar progress = new ProgressBar("encode", prefixed.size(), options.showProgressBar())) {
            for (int start = 0; start < order.size(); start += options.batchSize()) {
                List<Integer> indices = order.subList(start, Math.min(order.size(), start + options.batchSize()));
                List<String> batchTexts = indices.stream().map(prefixed::get).toList();
                try (NDManager scope = newScope()) {
                    NDArray embeddings = embed(tokenizer.tokenize(batchTexts).withPromptLength(promptLength), scope, normalized);
                    float[] flat = embeddings.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                    int width = (int) embeddings.getShape().get(1);
                    for (int row = 0; row < indices.size(); row++) {
                        float[] vector = new float[width];
                        System.arraycopy(flat, row * width, vector, 0, width);
                        result[indices.get(row)] = vector;
                    }
                }
                progress.advance(indices.size());
            }
        }
        return result;
    }

    private static List<String> withPrompt(List<String> texts, String prefix) {
        List<String> prefixed = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (text == null) {
                throw new RetrievalsException("Text " + i + " to encode is null");
            }
            prefixed.add(prefix.isEmpty() ? text : prefix + text);
        }
        return prefixed;
    }

    /**
     * Saves the model as a folder that this project and Python's sentence-transformers both load
     * ({@code config.json}, {@code model.safetensors}, tokenizer files, {@code modules.json},
     * {@code 1_Pooling/config.json}, {@code 2_Normalize} when normalising). The folder appears
     * complete or not at all; an existing model folder there is replaced.
     */
    @Override
    public void save(java.nio.file.Path folder) {
        ModelSaver.save(this, folder);
    }

    @Override
    public void train() {
        training = true;
        parameters.setRequiresGradient(true);
    }

    /** Evaluation mode (the default): no dropout, no gradients, deterministic outputs. */
    @Override
    public void eval() {
        training = false;
        parameters.setRequiresGradient(false);
    }

    @Override
    public boolean isTraining() {
        return training;
    }

    /**
     * Whether forward passes release each layer's intermediate arrays as soon as the layer has its
     * output (on, the default), or keep them all until the caller's scope closes (off: the memory of
     * every layer's intermediates at once, as before scoping existed). Results and gradients are the
     * same either way; the switch exists to measure and compare the two. The initial value comes from
     * the system property {@value #SCOPED_FORWARD_PROPERTY} (on unless it is {@code false}).
     */
    public void setScopedForward(boolean on) {
        scopedForward = on;
    }

    /** Whether forward passes release intermediates per layer; see {@link #setScopedForward}. */
    public boolean isScopedForward() {
        return scopedForward;
    }

    /** The weights by Hugging Face name, with freezing (for optimizers and per-group learning rates). */
    public ModelParameters weights() {
        return parameters;
    }

    @Override
    public Map<String, NDArray> parameters() {
        return parameters.all();
    }

    @Override
    public Map<String, NDArray> trainableParameters() {
        return parameters.trainable();
    }

    /** The model's {@code config.json}. */
    public TransformerConfig config() {
        return config;
    }

    /** The architecture that runs the forward pass. */
    public TransformerArchitecture architecture() {
        return architecture;
    }

    /** The pooling's plugin name. */
    public String poolingName() {
        return poolingName;
    }

    /** Whether embeddings are L2-normalised. */
    public boolean normalizes() {
        return normalize;
    }

    /** The tokenizer, truncating to the model's maximum length. */
    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** The tokenizer files as loaded, file name to content (written back on save and beside exports). */
    public Map<String, byte[]> tokenizerFiles() {
        return new LinkedHashMap<>(tokenizerFiles);
    }

    /** The query and document prompts and whether the pooling includes them; saved with the model. */
    @Override
    public Prompts prompts() {
        return prompts;
    }

    /**
     * The query prompt.
     *
     * @deprecated the prompts are one setting now; use {@code prompts().query()}
     */
    @Deprecated
    public String queryInstruction() {
        return prompts.query();
    }

    /**
     * The document prompt.
     *
     * @deprecated the prompts are one setting now; use {@code prompts().document()}
     */
    @Deprecated
    public String documentInstruction() {
        return prompts.document();
    }

    /** The number of NDArrays alive under the model's manager (parameters plus anything leaked). */
    int liveArrayCount() {
        return manager.getManagedArrays().size();
    }

    @Override
    public int dimension() {
        return config.hiddenSize();
    }

    @Override
    public void close() {
        tokenizer.close();
        parameters.close();
        manager.close();
        LOG.debug("Closed model {}", config.source());
    }
}
