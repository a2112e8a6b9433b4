package dev.retrievals.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.retrievals.core.collator.TokenizerVocabulary;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.TextTokenizer;
import dev.retrievals.core.collator.TokenBatch;
import dev.retrievals.core.encode.Prompts;
import dev.retrievals.core.encode.SavedPrompts;
import dev.retrievals.core.encode.TextEncoder;
import dev.retrievals.core.model.DeviceName;
import dev.retrievals.core.model.RunFolder;
import dev.retrievals.core.onnx.OnnxGraph;
import dev.retrievals.core.onnx.OnnxModel;
import dev.retrievals.core.onnx.OnnxNode;
import dev.retrievals.core.pooling.Pooling;
import dev.retrievals.core.pooling.PoolingMath;
import dev.retrievals.core.pooling.PromptExcludingPooling;
import dev.retrievals.core.progress.ProgressBar;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds texts with an ONNX model in ONNX Runtime: a model written by {@link OnnxExporter} (its
 * {@code sentence_embedding} output is used as it is) or a plain Hugging Face export with a
 * {@code last_hidden_state} output (a core pooling, chosen by name, and optional L2 normalisation
 * are then applied in plain Java). Serving needs only ONNX Runtime and the tokenizer: no NDArray
 * engine, no libtorch.
 *
 * <p>Texts are tokenized in chunks, sorted by token count and batched, so each batch pads only to
 * its own longest text; vectors come back in input order. {@link #encode} is safe for concurrent
 * callers (one ONNX Runtime session serves them all).
 *
 * <pre>{@code
 * try (OnnxEncoder encoder = OnnxEncoder.builder(Path.of("exported")).intraOpThreads(2).build()) {
 *     float[][] vectors = encoder.encode(List.of("今天天气很好", "The weather is nice today"));
 * }
 * }</pre>
 */
public final class OnnxEncoder implements TextEncoder {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxEncoder.class);
    /** The output of a graph that pools in the graph. */
    public static final String SENTENCE_EMBEDDING = "sentence_embedding";
    /** The token embeddings output. */
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";
    private static final List<String> TOKEN_OUTPUTS = List.of(LAST_HIDDEN_STATE, "token_embeddings");
    private static final Set<String> KNOWN_INPUTS = Set.of("input_ids", "attention_mask", "token_type_ids");
    private static final String OWNER = "OnnxEncoder";
    static final OptionSpec<Integer> BATCH_SIZE = OptionSpec.ofInt("batch_size", 32, "Texts per ONNX Runtime call.").atLeast(1);
    static final OptionSpec<Integer> INTRA_OP_THREADS =
            OptionSpec.ofInt("intra_op_threads", 0, "Threads of one operator; 0 lets ONNX Runtime choose.").atLeast(0);
    static final OptionSpec<Integer> MAX_LENGTH =
            OptionSpec.ofInt("max_length", 512, "Longest text in tokens, special tokens included.").atLeast(2);
    /** Texts tokenized at once, sorted by length within, then batched. */
    private static final int CHUNK_BATCHES = 32;

    private final Path modelFile;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final TextTokenizer tokenizer;
    private final Map<String, OnnxJavaType> inputTypes;
    private final String output;
    private final boolean pooledInGraph;
    private final Pooling pooling;
    private final boolean normalize;
    private final int dimension;
    private final int batchSize;
    private final boolean showProgressBar;
    private final Prompts prompts;
    private final int queryPromptLength;
    private final int documentPromptLength;
    private final OnnxModelDescription description;

    private OnnxEncoder(Builder builder, Path modelFile, Path tokenizerFile, Path configFile, Path promptsFile) {
        this.modelFile = modelFile;
        this.batchSize = builder.batchSize;
        this.showProgressBar = builder.showProgressBar;
        this.prompts = prompts(builder, promptsFile);
        OnnxModel parsed = OnnxModel.read(modelFile);
        Map<String, String> metadata = parsed.metadataProps();
        byte[] tokenizerJson = readTokenizer(tokenizerFile);
        wordEmbeddingRows(parsed.graph()).ifPresent(rows -> TokenizerVocabulary.checkFits(tokenizerJson, tokenizerFile.toString(), rows,
                modelFile.toString()));
        int maxLength = builder.maxLength != null ? builder.maxLength
                : metadata.containsKey(OnnxExporter.META_MAX_LENGTH) ? Integer.parseInt(metadata.get(OnnxExporter.META_MAX_LENGTH))
                : MAX_LENGTH.defaultValue();
        long padId = builder.padTokenId != null ? builder.padTokenId : padTokenId(metadata, configFile);
        this.description = OnnxModelDescription.of(modelFile, parsed, modelFile.toFile().length());
        parsed = null; // the graph's bytes may be large; ONNX Runtime reads the file itself
        this.environment = OrtEnvironment.getEnvironment();
        this.session = openSession(builder);
        TextTokenizer openedTokenizer = null;
        try {
            this.inputTypes = inputTypes(session, modelFile);
            Set<String> outputs = session.getOutputNames();
            Optional<String> tokenOutput = TOKEN_OUTPUTS.stream().filter(outputs::contains).findFirst();
            boolean masksPrompts = !prompts.includePrompt() && !prompts.isEmpty();
            if (masksPrompts && tokenOutput.isEmpty()) {
                throw new RetrievalsException("ONNX model " + modelFile + " pools in the graph (only a " + SENTENCE_EMBEDDING
                        + " output), which cannot leave the prompt out as include_prompt false asks; expected a graph that also"
                        + " outputs " + LAST_HIDDEN_STATE + " (every export of this project does), or includePrompt(true)");
            }
            // With include_prompt false the graph's own pooling would count the prompt: pool its token embeddings in Java.
            this.pooledInGraph = outputs.contains(SENTENCE_EMBEDDING) && !masksPrompts;
            this.output = pooledInGraph ? SENTENCE_EMBEDDING : tokenOutput
                    .orElseThrow(() -> new RetrievalsException("ONNX model " + modelFile + " has outputs " + outputs + "; expected "
                            + SENTENCE_EMBEDDING + " or one of " + TOKEN_OUTPUTS));
            String poolingName = builder.pooling != null ? builder.pooling : metadata.get(OnnxExporter.META_POOLING);
            if (pooledInGraph) {
                if (builder.pooling != null || builder.normalize != null) {
                    LOG.warn("{} pools and normalises in the graph ({}); the pooling/normalize settings are ignored", modelFile,
                            SENTENCE_EMBEDDING);
                }
                this.pooling = null;
                this.normalize = false;
            } else {
                if (poolingName == null) {
                    throw new RetrievalsException("ONNX model " + modelFile + " has no " + SENTENCE_EMBEDDING + " output, so the"
                            + " pooling must be named: OnnxEncoder.builder(...).pooling(\"mean\") (or cls, max, ...)");
                }
                this.pooling = PluginRegistry.global().create(PluginKinds.POOLING, poolingName);
                this.normalize = builder.normalize != null ? builder.normalize
                        : Boolean.parseBoolean(metadata.getOrDefault(OnnxExporter.META_NORMALIZE, "false"));
            }
            this.dimension = outputWidth(session, output, modelFile);
            openedTokenizer = TextTokenizer.fromFile(tokenizerFile, maxLength, padId);
            this.tokenizer = openedTokenizer;
            this.queryPromptLength = Prompts.tokenCount(openedTokenizer, prompts.query());
            this.documentPromptLength = Prompts.tokenCount(openedTokenizer, prompts.document());
        } catch (OrtException | RuntimeException e) {
            if (openedTokenizer != null) {
                openedTokenizer.close();
            }
            closeSession();
            throw e instanceof RetrievalsException re ? re
                    : new RetrievalsException("Cannot use ONNX model " + modelFile + ": " + e.getMessage(), e);
        }
        if (builder.quiet) {
            LOG.debug("Loaded {}: {}", modelFile, description);
        } else {
            LOG.info("Loaded {}: {}", modelFile, description);
        }
        LOG.debug("{}: output {}, dimension {}, inputs {}", modelFile, output, dimension, inputTypes.keySet());
    }

    /**
     * A builder for a model: an {@code .onnx} file, a folder holding {@code model.onnx} (or
     * {@code onnx/model.onnx}) and {@code tokenizer.json}, or a training run folder (its
     * {@code onnx/} export, see {@link RunFolder}). For a graph written by
     * {@link OnnxExporter}, the pooling, normalisation, maximum length and padding id come from its
     * metadata; for other graphs the pooling must be set, the padding id is {@code config.json}'s
     * {@code pad_token_id} (0 without one) and the maximum length 512 unless set.
     */
    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /** Loads a model with the default settings; see {@link #builder(Path)}. */
    public static OnnxEncoder load(Path model) {
        return builder(model).build();
    }

    private OrtSession openSession(Builder builder) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(builder.optimizationLevel.ortLevel());
            if (builder.intraOpThreads > 0) {
                options.setIntraOpNumThreads(builder.intraOpThreads);
            }
            if (builder.device.gpu()) {
                addCuda(options, builder.device);
            }
            return environment.createSession(modelFile.toString(), options);
        } catch (OrtException e) {
            throw new RetrievalsException("ONNX Runtime cannot load " + modelFile + ": " + e.getMessage(), e);
        }
    }

    private static void addCuda(OrtSession.SessionOptions options, DeviceName device) {
        try {
            options.addCUDA(device.index());
        } catch (OrtException | RuntimeException e) {
            throw new RetrievalsException("Device '" + device + "' needs ONNX Runtime's GPU build"
                    + " (com.microsoft.onnxruntime:onnxruntime_gpu in place of onnxruntime; see the README) and a CUDA driver: "
                    + e.getMessage(), e);
        }
    }

    private static byte[] readTokenizer(Path tokenizerFile) {
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new RetrievalsException("Tokenizer file " + tokenizerFile + " does not exist (expected a Hugging Face tokenizer.json)");
        }
        try {
            return Files.readAllBytes(tokenizerFile);
        } catch (IOException e) {
            throw new RetrievalsException("Cannot read tokenizer file " + tokenizerFile + ": " + e.getMessage(), e);
        }
    }

    /** The rows of the table that {@code input_ids} index (through a Cast for FLOAT16 weights), if the graph shows it. */
    static Optional<Long> wordEmbeddingRows(OnnxGraph graph) {
        for (OnnxNode gather : graph.consumers("input_ids")) {
            if (!gather.opType().equals("Gather") || gather.inputs().size() != 2 || !gather.inputs().get(1).equals("input_ids")) {
                continue;
            }
            String table = gather.inputs().get(0);
            Optional<OnnxNode> cast = graph.producer(table).filter(node -> node.opType().equals("Cast"));
            if (cast.isPresent()) {
                table = cast.get().inputs().get(0);
            }
            Optional<Long> rows = graph.initializer(table).map(tensor -> tensor.dims()).filter(dims -> dims.length == 2)
                    .map(dims -> dims[0]);
            if (rows.isPresent()) {
                return rows;
            }
        }
        return Optional.empty();
    }

    /** The padding id: the export's metadata, else {@code config.json}'s {@code pad_token_id}, else 0. */
    static long padTokenId(Map<String, String> metadata, Path configFile) {
        if (metadata.containsKey(OnnxExporter.META_PAD_TOKEN_ID)) {
            return Long.parseLong(metadata.get(OnnxExporter.META_PAD_TOKEN_ID));
        }
        JsonObject config = readJson(configFile, "pad_token_id");
        JsonElement padId = config == null ? null : config.get("pad_token_id");
        if (padId == null || padId.isJsonNull()) {
            return 0L;
        }
        if (!padId.isJsonPrimitive() || !padId.getAsJsonPrimitive().isNumber()) {
            throw new RetrievalsException(configFile + ": pad_token_id is " + padId + "; expected an integer");
        }
        return padId.getAsLong();
    }

    /** A JSON object file, or {@code null} when there is no such file; {@code what} names what is read from it. */
    private static JsonObject readJson(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonElement json = JsonParser.parseString(Files.readString(file));
            if (!json.isJsonObject()) {
                throw new RetrievalsException("Cannot read " + what + " from " + file + ": expected a JSON object, found " + json);
            }
            return json.getAsJsonObject();
        } catch (IOException | JsonParseException e) {
            throw new RetrievalsException("Cannot read " + what + " from " + file + " (expected a JSON object): " + e.getMessage(), e);
        }
    }

    /**
     * The builder's prompts where set, else those saved beside the model ({@code config_sentence_transformers.json}
     * and {@code 1_Pooling/config.json}'s {@code include_prompt}), else none.
     */
    private static Prompts prompts(Builder builder, Path promptsFile) {
        SavedPrompts saved = SavedPrompts.read(promptsFile);
        Boolean savedInclude = promptsFile == null ? null
                : SavedPrompts.readIncludePrompt(promptsFile.resolveSibling("1_Pooling").resolve("config.json"));
        String query = builder.queryPrompt != null ? builder.queryPrompt : saved.query() != null ? saved.query() : "";
        String document = builder.documentPrompt != null ? builder.documentPrompt : saved.document() != null ? saved.document() : "";
        boolean include = builder.includePrompt != null ? builder.includePrompt : savedInclude == null || savedInclude;
        return new Prompts(query, document, include);
    }

    /** The inputs of a session and their integer types; fails naming the file for a missing or unknown input. */
    static Map<String, OnnxJavaType> inputTypes(OrtSession session, Path modelFile) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        for (String required : List.of("input_ids", "attention_mask")) {
            if (!inputs.containsKey(required)) {
                throw new RetrievalsException("ONNX model " + modelFile + " has inputs " + inputs.keySet() + "; expected input_ids,"
                        + " attention_mask and optionally token_type_ids (missing " + required + ")");
            }
        }
        Map<String, OnnxJavaType> types = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> input : inputs.entrySet()) {
            if (!KNOWN_INPUTS.contains(input.getKey())) {
                throw new RetrievalsException("ONNX model " + modelFile + " has an input '" + input.getKey() + "' that a text encoder"
                        + " cannot fill; expected only " + KNOWN_INPUTS);
            }
            OnnxJavaType type = input.getValue().getInfo() instanceof TensorInfo tensor ? tensor.type : null;
            if (type != OnnxJavaType.INT64 && type != OnnxJavaType.INT32) {
                throw new RetrievalsException("ONNX model " + modelFile + ": input '" + input.getKey() + "' is " + type
                        + "; expected an INT64 or INT32 tensor");
            }
            types.put(input.getKey(), type);
        }
        return types;
    }

    private static int outputWidth(OrtSession session, String output, Path modelFile) throws OrtException {
        NodeInfo info = session.getOutputInfo().get(output);
        long[] shape = info.getInfo() instanceof TensorInfo tensor ? tensor.getShape() : new long[0];
        if (shape.length < 2 || shape[shape.length - 1] < 1) {
            throw new RetrievalsException("ONNX model " + modelFile + ": output '" + output + "' has shape " + Arrays.toString(shape)
                    + "; expected a fixed last (hidden) axis");
        }
        return (int) shape[shape.length - 1];
    }

    @Override
    public float[][] encode(List<String> texts) {
        return encode(texts, 0);
    }

    /** Embeds texts that begin with a prompt of {@code promptLength} tokens (0 for none). */
    private float[][] encode(List<String> texts, int promptLength) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                throw new RetrievalsException("Text " + i + " to encode is null");
            }
        }
        float[][] result = new float[texts.size()][];
        int chunkSize = batchSize * CHUNK_BATCHES;
        try (ProgressBar progress = new ProgressBar("encode", texts.size(), showProgressBar && texts.size() > chunkSize)) {
            for (int chunkStart = 0; chunkStart < texts.size(); chunkStart += chunkSize) {
                List<String> chunk = texts.subList(chunkStart, Math.min(texts.size(), chunkStart + chunkSize));
                TokenBatch tokens = tokenizer.tokenize(chunk).withPromptLength(promptLength);
                int[] lengths = tokens.lengths();
                List<Integer> order = new ArrayList<>(chunk.size());
                for (int i = 0; i < chunk.size(); i++) {
                    order.add(i);
                }
                order.sort(Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
                for (int start = 0; start < order.size(); start += batchSize) {
                    List<Integer> rows = order.subList(start, Math.min(order.size(), start + batchSize));
                    float[][] vectors = embed(slice(tokens, rows, lengths[rows.get(0)]));
                    for (int row = 0; row < rows.size(); row++) {
                        result[chunkStart + rows.get(row)] = vectors[row];
                    }
                    progress.advance(rows.size());
                }
            }
        }
        return result;
    }

    /** The given rows of a padded batch, cut to {@code width} positions. */
    private static TokenBatch slice(TokenBatch tokens, List<Integer> rows, int width) {
        long[][] ids = new long[rows.size()][];
        long[][] mask = new long[rows.size()][];
        long[][] types = new long[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            int row = rows.get(i);
            ids[i] = Arrays.copyOf(tokens.inputIds()[row], width);
            mask[i] = Arrays.copyOf(tokens.attentionMask()[row], width);
            types[i] = Arrays.copyOf(tokens.tokenTypeIds()[row], width);
        }
        return new TokenBatch(ids, mask, types, tokens.promptLength());
    }

    /**
     * One vector per row of a token batch (already padded); with {@code include_prompt: false} the
     * batch's {@link TokenBatch#promptLength() prompt tokens} are left out of the pooling.
     */
    public float[][] embed(TokenBatch batch) {
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        try {
            inputs.put("input_ids", tensor("input_ids", batch.inputIds()));
            inputs.put("attention_mask", tensor("attention_mask", batch.attentionMask()));
            if (inputTypes.containsKey("token_type_ids")) {
                inputs.put("token_type_ids", tensor("token_type_ids", batch.tokenTypeIds()));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(output))) {
                OnnxTensor values = (OnnxTensor) result.get(0);
                long[] shape = values.getInfo().getShape();
                FloatBuffer floats = values.getFloatBuffer();
                return pooledInGraph ? rows(floats, batch.batchSize()) : poolInJava(floats, shape, batch);
            }
        } catch (OrtException e) {
            throw new RetrievalsException("ONNX Runtime failed on " + modelFile + " for a batch of " + batch.batchSize() + " x "
                    + batch.sequenceLength() + " tokens: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private OnnxTensor tensor(String name, long[][] values) throws OrtException {
        return tensor(environment, inputTypes.get(name), values);
    }

    /** An ONNX Runtime tensor {@code [rows, width]} of token ids in the input's integer type (INT32 or INT64). */
    static OnnxTensor tensor(OrtEnvironment environment, OnnxJavaType type, long[][] values) throws OrtException {
        int rows = values.length;
        int width = rows == 0 ? 0 : values[0].length;
        long[] shape = {rows, width};
        if (type == OnnxJavaType.INT32) {
            IntBuffer buffer = IntBuffer.allocate(rows * width);
            for (long[] row : values) {
                for (long value : row) {
                    buffer.put(Math.toIntExact(value));
                }
            }
            return OnnxTensor.createTensor(environment, buffer.flip(), shape);
        }
        LongBuffer buffer = LongBuffer.allocate(rows * width);
        for (long[] row : values) {
            buffer.put(row);
        }
        return OnnxTensor.createTensor(environment, buffer.flip(), shape);
    }

    private float[][] rows(FloatBuffer floats, int count) {
        float[][] vectors = new float[count][dimension];
        for (float[] vector : vectors) {
            floats.get(vector);
        }
        return vectors;
    }

    /** Pools (and normalises) {@code [batch, sequence, hidden]} token embeddings in plain Java. */
    private float[][] poolInJava(FloatBuffer hidden, long[] shape, TokenBatch batch) {
        float[] tokens = new float[hidden.remaining()];
        hidden.get(tokens);
        Pooling effective = prompts.includePrompt() ? pooling : PromptExcludingPooling.of(pooling, batch.promptLength());
        float[][] pooled = effective.pool(tokens, Math.toIntExact(shape[shape.length - 1]), batch.attentionMask());
        if (normalize) {
            for (int row = 0; row < pooled.length; row++) {
                pooled[row] = PoolingMath.l2Normalize(pooled[row]);
            }
        }
        return pooled;
    }

    @Override
    public float[][] encodeQueries(List<String> texts) {
        return encode(prefixed(prompts.query(), texts), queryPromptLength);
    }

    @Override
    public float[][] encodeDocuments(List<String> texts) {
        return encode(prefixed(prompts.document(), texts), documentPromptLength);
    }

    /**
     * Embeddings of texts with {@code prompt} put before each, in place of a role's own prompt; with
     * {@code include_prompt: false} this prompt's tokens are left out of the pooling too.
     *
     * @throws RetrievalsException when the prompt should be left out but the graph pools in itself
     */
    @Override
    public float[][] encodeWithPrompt(List<String> texts, String prompt) {
        if (!prompt.isEmpty() && !prompts.includePrompt() && pooledInGraph) {
            throw new RetrievalsException("ONNX model " + modelFile + " pools in the graph (" + SENTENCE_EMBEDDING + "), which cannot"
                    + " leave the prompt '" + prompt + "' out as include_prompt false asks; expected a graph that also outputs "
                    + LAST_HIDDEN_STATE + " opened with this prompt as a saved or builder prompt, or includePrompt(true)");
        }
        return encode(prefixed(prompt, texts), Prompts.tokenCount(tokenizer, prompt));
    }

    private static List<String> prefixed(String prompt, List<String> texts) {
        return prompt.isEmpty() ? texts : texts.stream().map(text -> text == null ? null : prompt + text).toList();
    }

    /** The prompt {@link #encodeQueries} prepends ("" for none). */
    public String queryPrompt() {
        return prompts.query();
    }

    /** The prompt {@link #encodeDocuments} prepends ("" for none). */
    public String documentPrompt() {
        return prompts.document();
    }

    /** The query and document prompts, and whether the pooling counts their tokens ({@code include_prompt}). */
    @Override
    public Prompts prompts() {
        return prompts;
    }

    /** The tokenizer (truncating to the model's maximum length). */
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Whether the graph pools (and normalises) itself, through a {@code sentence_embedding} output. */
    public boolean poolsInGraph() {
        return pooledInGraph;
    }

    /** What the loaded model is: architecture, pooling, precision, quantization. */
    public OnnxModelDescription description() {
        return description;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public void close() {
        tokenizer.close();
        closeSession();
    }

    private void closeSession() {
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("Closing the ONNX Runtime session of {} failed: {}", modelFile, e.getMessage());
        }
    }

    /** Settings of an {@link OnnxEncoder}; each is checked when set. */
    public static final class Builder {
        private final Path model;
        private Path tokenizer;
        private int batchSize = BATCH_SIZE.defaultValue();
        private int intraOpThreads = INTRA_OP_THREADS.defaultValue();
        private GraphOptimizationLevel optimizationLevel = GraphOptimizationLevel.ALL;
        private String pooling;
        private Boolean normalize;
        private Integer maxLength;
        private Long padTokenId;
        private boolean showProgressBar;
        private boolean quiet;
        private String queryPrompt;
        private String documentPrompt;
        private Boolean includePrompt;
        private DeviceName device = DeviceName.CPU;

        private Builder(Path model) {
            this.model = model;
        }

        /** The {@code tokenizer.json}; by default the one beside the model. */
        public Builder tokenizer(Path tokenizerJson) {
            this.tokenizer = tokenizerJson;
            return this;
        }

        /** Texts per ONNX Runtime call (default 32, at least 1). */
        public Builder batchSize(int value) {
            this.batchSize = BATCH_SIZE.check(value, OWNER);
            return this;
        }

        /** Threads one operator may use; 0 (the default) lets ONNX Runtime choose (one per core). */
        public Builder intraOpThreads(int value) {
            this.intraOpThreads = INTRA_OP_THREADS.check(value, OWNER);
            return this;
        }

        /**
         * Where ONNX Runtime computes: {@code cpu} (the default), {@code gpu} or {@code gpu:N} through its
         * CUDA execution provider, which needs ONNX Runtime's GPU build on the class path (README).
         */
        public Builder device(String value) {
            this.device = DeviceName.parse(value);
            return this;
        }

        /** How much ONNX Runtime optimises the graph when loading it (default {@link GraphOptimizationLevel#ALL}). */
        public Builder optimizationLevel(GraphOptimizationLevel value) {
            if (value == null) {
                throw new RetrievalsException("Option 'optimization_level' of " + OWNER + " is null; allowed: "
                        + Arrays.toString(GraphOptimizationLevel.values()));
            }
            this.optimizationLevel = value;
            return this;
        }

            /**
         * The prompts {@link OnnxEncoder#encodeQueries} and {@link OnnxEncoder#encodeDocuments} prepend;
         * by default those of {@code config_sentence_transformers.json} beside the model
         * ({@code prompts.query}, {@code prompts.document} or {@code prompts.passage}), none without it.
         * {@code null} keeps the saved prompt of that role, "" means none.
         */
        public Builder prompts(String query, String document) {
            this.queryPrompt = query;
            this.documentPrompt = document;
            return this;
        }

        /**
         * Whether the pooling counts the prompt's tokens; by default {@code include_prompt} of
         * {@code 1_Pooling/config.json} beside the model, else true. With false, the token embeddings
         * ({@code last_hidden_state}) are pooled in Java without the prompt, also for an export that
         * pools in its graph (its {@code sentence_embedding} counts the prompt); a graph with no token
         * output is refused.
         */
        public Builder includePrompt(boolean value) {
            this.includePrompt = value;
            return this;
        }

        /** The pooling plugin for graphs without {@code sentence_embedding} (plain Hugging Face exports). */
        public Builder pooling(String name) {
            PluginRegistry.global().provider(PluginKinds.POOLING, name);
            this.pooling = name;
            return this;
        }

        /** Whether to L2-normalise after a pooling done in Java (default false). */
        public Builder normalize(boolean value) {
            this.normalize = value;
            return this;
        }

        /** The longest text in tokens; by default the exported model's, otherwise 512. */
        public Builder maxLength(int value) {
            this.maxLength = MAX_LENGTH.check(value, OWNER);
            return this;
        }

        /** The id of padding; by default the exported model's, else {@code config.json}'s {@code pad_token_id}, else 0. */
        public Builder padTokenId(long value) {
            this.padTokenId = value;
            return this;
        }

        /** Whether long inputs show a progress bar on the terminal (default false). */
        public Builder showProgressBar(boolean value) {
            this.showProgressBar = value;
            return this;
        }

        /** Logs the load at debug level instead of info: for short-lived models, such as an export's trial graphs. */
        public Builder quiet() {
            this.quiet = true;
            return this;
        }

        /** Opens the model; errors name the file and what was expected. */
        public OnnxEncoder build() {
            Path location = RunFolder.onnxFolder(model);
            Path file = modelFile(location);
            return new OnnxEncoder(this, file, tokenizer != null ? tokenizer : beside(location, file, "tokenizer.json"),
                    beside(location, file, "config.json"), beside(location, file, SavedPrompts.CONFIG_FILE));
        }

        /** The named file beside the model file, or in the folder given (Hugging Face keeps {@code onnx/model.onnx} one level down). */
        static Path beside(Path location, Path file, String name) {
            Path next = file.toAbsolutePath().getParent().resolve(name);
            return Files.isRegularFile(next) || !Files.isDirectory(location) ? next : location.resolve(name);
        }

        /** The ONNX file of a location: the file itself, or model.onnx (or onnx/model.onnx) in a folder. */
        static Path modelFile(Path model) {
            if (Files.isRegularFile(model)) {
                return model;
            }
            if (Files.isDirectory(model)) {
                for (Path candidate : List.of(model.resolve("model.onnx"), model.resolve("onnx").resolve("model.onnx"))) {
                    if (Files.isRegularFile(candidate)) {
                        return candidate;
                    }
                }
                throw new RetrievalsException("Model folder " + model + " has no model.onnx (nor onnx/model.onnx)");
            }
            throw new RetrievalsException("ONNX model " + model + " does not exist");
        }
    }
}
