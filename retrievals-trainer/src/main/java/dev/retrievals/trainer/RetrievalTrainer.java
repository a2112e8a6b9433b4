package dev.retrievals.trainer;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.collator.Collator;
import dev.retrievals.core.data.BatchSampler;
import dev.retrievals.core.data.CollatedBatch;
import dev.retrievals.core.data.ColumnType;
import dev.retrievals.core.data.Dataset;
import dev.retrievals.core.data.GroupByLabelBatchSampler;
import dev.retrievals.core.data.LengthGroupedBatchSampler;
import dev.retrievals.core.data.NoDuplicatesBatchSampler;
import dev.retrievals.core.data.ShuffledBatchSampler;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.eval.Evaluator;
import dev.retrievals.core.io.WritableFolder;
import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputs;
import dev.retrievals.core.loss.LossMode;
import dev.retrievals.core.loss.LossState;
import dev.retrievals.core.loss.StatefulLoss;
import dev.retrievals.core.model.CheckpointedEmbedding;
import dev.retrievals.core.model.TrainableEncoder;
import dev.retrievals.core.model.TrainableModel;
import dev.retrievals.core.model.TrainableRanker;
import dev.retrievals.core.ndarray.Scalars;
import dev.retrievals.core.schedule.LearningRateSchedule;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginRegistry;
import dev.retrievals.trainer.gradcache.BatchCoupling;
import dev.retrievals.trainer.gradcache.GradientCache;
import dev.retrievals.trainer.optim.AdamW;
import dev.retrievals.trainer.optim.GradientClipping;
import dev.retrievals.trainer.optim.ParameterGroups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tunes a text-embedding model with a contrastive, point-wise or list-wise loss, or a
 * reranker (cross-encoder) with a loss over the logits of (query, document) pairs: the Java
 * counterpart of open-retrievals' {@code RetrievalTrainer}. A model produces what its loss
 * consumes ({@link BatchForward}): embeddings by role for a bi-encoder, one logit per pair for a
 * cross-encoder; everything else (checkpoints, exact resume, clipping, listeners) is shared.
 *
 * <pre>{@code
 * try (RetrievalTrainer trainer = RetrievalTrainer.builder()
 *         .model(model)
 *         .args(TrainingArguments.builder(Path.of("out")).learningRate(5e-5).warmupRatio(0.05).build())
 *         .trainDataset(Dataset.fromJsonl(Path.of("pairs.jsonl")))
 *         .collator(new PairCollator(model.tokenizer(), 128, 128))
 *         .loss(InfoNCE.builder().labelSmoothing(0.05).build())
 *         .build()) {
 *     trainer.train();
 * }
 * }</pre>
 *
 * <p>Each optimizer step: batches are collated, embedded by role, fed to the loss, and
 * back-propagated (accumulated over {@code gradient_accumulation_steps}); the global gradient norm
 * is clipped; a non-finite loss or gradient stops or skips the step; AdamW updates with the
 * schedule's rate. Dropout is reseeded from (seed, step) at every batch and the data order from
 * (seed, epoch), so resuming from a checkpoint continues exactly as an uninterrupted run.
 *
 * <p><b>Several training sets.</b> A run may have several named sets, each with its own collator
 * and loss ({@code trainDataset("sts", stsRows, scoredPairCollator, cosent).trainDataset("nli",
 * nliRows, tripletCollator, infoNce)}). Each optimizer step takes all its (accumulated) batches from
 * one set and trains them with that set's loss; {@code multi_dataset_batch_sampler} interleaves the
 * sets ({@link MultiDatasetBatchSampler}: {@code proportional}, the default, or
 * {@code round_robin}). Each set's batches come from its own batch sampler seeded from (seed,
 * epoch, set), so resume is exact as with one set. The log entries carry {@code loss/<name>}, the
 * mean loss of that set's steps since the last entry. Every loss is initialised as a single one is;
 * a stateful loss's parameters join the optimizer as {@code loss.<set>.<parameter>} and its state
 * goes to {@code loss-<set>.safetensors} and {@code loss_state/<set>} in the checkpoint (a run with
 * one set keeps the single-set names, {@code loss.safetensors} and {@code loss_state}).
 *
 * <p>With {@code gradient_cache_mini_batch_size} set, each batch goes through a {@link GradientCache}:
 * the loss sees the whole batch (all its in-batch negatives) while the encoder holds the graph of
 * one chunk of rows at a time. Gradient accumulation, clipping, per-group learning rates,
 * checkpoints and resume work the same on top of it. A loss that couples the rows of a batch
 * combined with gradient accumulation (and no gradient cache) gets a warning at the start.
 */
public final class RetrievalTrainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetrievalTrainer.class);
    private static final int DATA_INITIALIZATION_ROWS = 2048;

    private final TrainableModel model;
    private final TrainableModel documentModel;
    private final TrainingArguments args;
    private final List<ActiveTrainingSet> sets;
    private final MultiDatasetBatchSampler multiSampler;
    private final List<Evaluator> evaluators;
    private final List<TrainerListener> listeners;
    private final LearningRateSchedule schedule;
    private final BatchEmbedder embedder;
    private final BatchForward forward;
    private final GradientCache gradientCache;
    private final NDManager lossManager;
    private final TrainerState state = new TrainerState();
    private final TrainerControl control = new TrainerControl();
    private AdamW optimizer;
    private final boolean ownsOptimizer;
    private String firstPrimaryMetric = "";
    private final Map<String, Boolean> higherIsBetterByMetric = new LinkedHashMap<>();

    private RetrievalTrainer(Builder builder) {
        this.model = Objects.requireNonNull(builder.model, "model");
        this.documentModel = builder.documentModel != null ? builder.documentModel : model;
        if (!(model instanceof TrainableEncoder) && !(model instanceof TrainableRanker)) {
            throw new RetrievalsException("The model " + model.getClass().getName() + " is neither an embedding model (TrainableEncoder)"
                    + " nor a reranker (TrainableRanker)");
        }
        this.args = Objects.requireNonNull(builder.args, "args");
        List<ActiveTrainingSet> active = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<Loss> statefulLosses = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (TrainingSet set : builder.trainingSets()) {
            if (!names.add(set.name())) {
                throw new RetrievalsException("Two training sets are named '" + set.name() + "'; names must differ");
            }
            if (set.loss() instanceof StatefulLoss && !statefulLosses.add(set.loss())) {
                throw new RetrievalsException("The training set '" + set.name() + "' shares its stateful loss "
                        + set.loss().getClass().getSimpleName() + " with another set; give each set its own loss object");
            }
            BatchSampler setSampler = builder.sampler != null ? builder.sampler : defaultSampler(set.collator());
            active.add(new ActiveTrainingSet(set, builder.trainType, setSampler));
        }
        this.sets = List.copyOf(active);
        this.multiSampler = new MultiDatasetBatchSampler(args.multiDatasetBatchSampler(), args.gradientAccumulationSteps());
        this.evaluators = List.copyOf(builder.evaluators);
        this.schedule = builder.schedule != null ? builder.schedule
                : PluginRegistry.global().create(PluginKinds.LR_SCHEDULE, args.lrSchedulerType());
        if (model instanceof TrainableRanker ranker) {
            if (builder.documentModel != null) {
                throw new RetrievalsException("A reranker (cross-encoder) reads each pair with one model; a separate document model"
                        + " applies to embedding models only");
            }
            if (args.gradientCacheMiniBatchSize() > 0) {
                throw new RetrievalsException("gradient_cache_mini_batch_size applies to embedding models (it caches embeddings);"
                        + " a reranker's pairs are independent: lower per_device_train_batch_size or use gradient_accumulation_steps");
            }
            if (args.gradientCheckpointing()) {
                throw new RetrievalsException("gradient_checkpointing applies to embedding models for now; for a reranker lower"
                        + " per_device_train_batch_size or use gradient_accumulation_steps");
            }
            this.embedder = null;
            this.forward = new PairLogits(ranker);
        } else {
            this.embedder = new BatchEmbedder((TrainableEncoder) model, (TrainableEncoder) documentModel, args.gradientCheckpointing());
            this.forward = embedder;
        }
        this.gradientCache = args.gradientCacheMiniBatchSize() > 0 ? new GradientCache(args.gradientCacheMiniBatchSize()) : null;
        this.lossManager = model.newScope();
        this.optimizer = builder.optimizer;
        this.ownsOptimizer = builder.optimizer == null;
        List<TrainerListener> all = new ArrayList<>();
        if (args.showProgressBar()) {
            all.add(new ProgressBarListener(args.loggingSteps()));
        }
        all.add(new JsonlMetricsListener(args.outputDir().resolve("metrics.jsonl")));
        all.addAll(builder.listeners);
        this.listeners = List.copyOf(all);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    private BatchSampler defaultSampler(Collator collator) {
        int batchSize = args.batchSize();
        String[] textColumns = collator.columnTypes().entrySet().stream()
                .filter(column -> column.getValue() == ColumnType.TEXT || column.getValue() == ColumnType.TEXT_LIST)
                .map(Map.Entry::getKey).toArray(String[]::new);
        return switch (args.batchSampler()) {
            case "length_grouped" -> LengthGroupedBatchSampler.byCharacters(batchSize, textColumns);
            case "no_duplicates" -> new NoDuplicatesBatchSampler(batchSize, false, textColumns);
            case "group_by_label" -> new GroupByLabelBatchSampler(batchSize, 2, "label");
            default -> new ShuffledBatchSampler(batchSize, false);
        };
    }

    /**
     * Runs training to the end (or until a listener or the non-finite guard stops it), then saves
     * the model to {@code output_dir/model}.
     *
     * @return the final state
     */
    public TrainerState train() {
        WritableFolder.require(args.outputDir(), "output_dir");
        for (ActiveTrainingSet set : sets) {
            adviseOnBatchSize(set, checkBatchesFitTheLoss(set));
        }
        List<TrainingSetBatch> firstEpoch = epochBatches(0);
        if (firstEpoch.isEmpty()) {
            throw new RetrievalsException("The training sets give no batches in an epoch (a set smaller than a batch with a sampler"
                    + " that drops short batches?); batches per set: " + batchCounts());
        }
        long stepsPerEpoch = Math.max(1, countSteps(firstEpoch));
        state.totalSteps = args.maxSteps() > 0 ? args.maxSteps() : stepsPerEpoch * args.numTrainEpochs();
        long warmup = args.warmupSteps(state.totalSteps);
        for (ActiveTrainingSet set : sets) {
            initializeLoss(set);
        }
        if (optimizer == null) {
            optimizer = defaultOptimizer();
        }
        resumeIfAsked();
        for (ActiveTrainingSet set : sets) {
            LOG.debug("Training set {}: {} rows, {} train type, loss {}", set.name(), set.rows.size(), set.trainType,
                    set.spec.loss().getClass().getSimpleName());
        }
        LOG.debug("Training {} steps ({} per epoch, batch {} x {} accumulated)", state.totalSteps, stepsPerEpoch, args.batchSize(),
                args.gradientAccumulationSteps());
        listeners.forEach(l -> l.onTrainBegin(state, control));
        setTraining(true);
        double lossSinceLog = 0;
        int stepsSinceLog = 0;
        Engine engine = lossManager.getEngine();
        epochs:
        while (state.globalStep < state.totalSteps && !control.shouldStop()) {
            List<TrainingSetBatch> batches = epochBatches(state.epoch);
            if (batches.isEmpty()) {
                throw new RetrievalsException("Epoch " + state.epoch + " has no batches; batches per set: " + batchCounts());
            }
            while (state.batchInEpoch < batches.size() && state.globalStep < state.totalSteps) {
                long start = System.nanoTime();
                double stepLoss = 0;
                long tokens = 0;
                int accumulated = 0;
                ActiveTrainingSet set = sets.get(batches.get(state.batchInEpoch).set());
                while (accumulated < args.gradientAccumulationSteps() && state.batchInEpoch < batches.size()
                        && sets.get(batches.get(state.batchInEpoch).set()) == set) {
                    CollatedBatch batch = set.collate(batches.get(state.batchInEpoch).rows());
                    int seed = stepSeed(state.globalStep, accumulated);
                    engine.setRandomSeed(seed);
                    stepLoss += forwardBackward(set.spec.loss(), batch, engine, seed);
                    tokens += BatchEmbedder.realTokens(batch);
                    accumulated++;
                    state.batchInEpoch++;
                }
                stepLoss /= accumulated;
                double norm;
                try (NDManager scope = lossManager.newSubManager()) {
                    norm = GradientClipping.clip(trainableArrays(), args.maxGradNorm(), scope);
                }
                state.lastLoss = stepLoss;
                state.trainingSet = set.name();
                state.gradientNorm = norm;
                if (!Double.isFinite(stepLoss) || !Double.isFinite(norm)) {
                    optimizer.zeroGradients();
                    if (args.stopOnNonFiniteLoss()) {
                        control.requestStop(String.format("non-finite loss %s or gradient norm %s at step %d; the update was not"
                                + " applied and the last checkpoint is intact", stepLoss, norm, state.globalStep));
                        LOG.error("Stopping: {}", control.stopReason());
                        break epochs;
                    }
                    LOG.warn("Skipping step {}: non-finite loss {} or gradient norm {}", state.globalStep, stepLoss, norm);
                } else {
                    double factor = schedule.factor(state.globalStep, warmup, state.totalSteps);
                    state.learningRate = args.learningRate() * factor;
                    optimizer.step(factor);
                    optimizer.zeroGradients();
                    if (set.spec.loss() instanceof StatefulLoss stateful) {
                        stateful.onStepEnd();
                    }
                }
                state.globalStep++;
                state.tokensPerSecond = tokens / ((System.nanoTime() - start) / 1e9);
                lossSinceLog += stepLoss;
                stepsSinceLog++;
                set.lossSinceLog += stepLoss;
                set.stepsSinceLog++;
                listeners.forEach(l -> l.onStepEnd(state, control));
                if (state.globalStep % args.loggingSteps() == 0 || state.globalStep == state.totalSteps) {
                    log(lossSinceLog / stepsSinceLog);
                    lossSinceLog = 0;
                    stepsSinceLog = 0;
                }
                boolean evaluateNow = control.takeEvaluate()
                        || (args.evalStrategy().equals("steps") && state.globalStep % args.evalSteps() == 0);
                boolean improved = evaluateNow && evaluateDuringTraining();
                boolean saveNow = control.takeSave() || control.shouldStop() || (improved && args.loadBestModelAtEnd())
                        || (args.saveStrategy().equals("steps") && state.globalStep % args.saveSteps() == 0);
                if (saveNow) {
                    saveCheckpoint();
                }
                if (control.shouldStop()) {
                    LOG.warn("Stopped after step {}: {}", state.globalStep, control.stopReason());
                    break epochs;
                }
            }
            if (state.batchInEpoch >= batches.size()) {
                state.epoch++;
                state.batchInEpoch = 0;
                boolean improved = args.evalStrategy().equals("epoch") && evaluateDuringTraining();
                if (args.saveStrategy().equals("epoch") || (improved && args.loadBestModelAtEnd())) {
                    saveCheckpoint();
                }
            }
        }
        setTraining(false);
        listeners.forEach(l -> l.onTrainEnd(state, control));
        if (args.loadBestModelAtEnd() && state.bestCheckpoint != null) {
            LOG.info("Loading the best model ({} = {}) from {}", bestMetricName(), state.bestMetric, state.bestCheckpoint);
            restoreWeights(args.outputDir().resolve(state.bestCheckpoint));
        }
        model.save(args.outputDir().resolve("model"));
        return state;
    }

    /**
     * Collates a set's first batch, checks that it carries what the set's train type and loss need,
     * and returns it; with several sets, an error names the set.
     */
    private CollatedBatch checkBatchesFitTheLoss(ActiveTrainingSet set) {
        List<int[]> batches = set.sampler.batches(set.rows, MultiDatasetBatchSampler.setSeed(epochSeed(0), sets.indexOf(set)));
        if (batches.isEmpty()) {
            throw new RetrievalsException(setPrefix(set) + "The batch sampler gives no batch of " + set.rows.size() + " rows");
        }
        CollatedBatch first = set.collate(batches.get(0));
        Loss loss = set.spec.loss();
        Collator collator = set.spec.collator();
        Set<String> roles = forward.roles(first);
        Set<String> needed = new TreeSet<>(loss.requiredInputs());
        if (embedder != null) {
            needed.addAll(set.trainType.requiredRoles());
        } else if (!loss.acceptsPairLogits()) {
            throw new RetrievalsException(setPrefix(set) + "The loss " + loss.getClass().getSimpleName() + " trains embedding models;"
                    + " a reranker trains with a loss over pair logits (bce, listwise_ce, margin_mse, distill_kl_div)");
        } else {
            needed.removeAll(LossInputs.EMBEDDING_ROLES);
            needed.add(LossInputs.LOGITS);
        }
        if (!roles.containsAll(needed)) {
            Set<String> missing = new TreeSet<>(needed);
            missing.removeAll(roles);
            throw new RetrievalsException(setPrefix(set) + "The loss " + loss.getClass().getSimpleName() + " (" + set.trainType
                    + ") needs inputs " + needed + " but the collator " + collator.getClass().getSimpleName() + " gives " + roles
                    + " (missing " + missing + "; the collator reads columns " + collator.columns() + ")");
        }
        return first;
    }

    /** "Training set 'name': " when the run has several sets (errors of a single set read as before). */
    private String setPrefix(ActiveTrainingSet set) {
        return sets.size() > 1 ? "Training set '" + set.name() + "': " : "";
    }

    /** The batches of an epoch across all sets, a pure function of (seed, epoch). */
    private List<TrainingSetBatch> epochBatches(int epoch) {
        return multiSampler.batches(sets.stream().map(set -> set.sampler).toList(), sets.stream().map(set -> set.rows).toList(),
                epochSeed(epoch));
    }

    /** Optimizer steps in an epoch: runs of up to {@code gradient_accumulation_steps} consecutive batches of one set. */
    private long countSteps(List<TrainingSetBatch> batches) {
        long steps = 0;
        int inStep = 0;
        for (int i = 0; i < batches.size(); i++) {
            boolean sameSet = i > 0 && batches.get(i).set() == batches.get(i - 1).set();
            if (inStep == 0 || !sameSet || inStep == args.gradientAccumulationSteps()) {
                steps++;
                inStep = 0;
            }
            inStep++;
        }
        return steps;
    }

    private Map<String, Integer> batchCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < sets.size(); i++) {
            ActiveTrainingSet set = sets.get(i);
            counts.put(set.name(), set.sampler.batches(set.rows, MultiDatasetBatchSampler.setSeed(epochSeed(0), i)).size());
        }
        return counts;
    }

    /**
     * Warns when gradient accumulation splits what a loss compares within a batch (each micro-batch
     * sees only its own in-batch negatives), pointing to gradient caching; notes a gradient cache
     * whose chunks are not smaller than the batch.
     */
    private void adviseOnBatchSize(ActiveTrainingSet set, CollatedBatch sample) {
        Loss loss = set.spec.loss();
        int accumulation = args.gradientAccumulationSteps();
        if (gradientCache != null) {
            if (gradientCache.miniBatchSize() >= args.batchSize()) {
                LOG.info("gradient_cache_mini_batch_size {} is not below per_device_train_batch_size {}: each batch is one chunk",
                        gradientCache.miniBatchSize(), args.batchSize());
            }
            return;
        }
        if (accumulation == 1 || !(model instanceof TrainableEncoder encoder)) {
            return;
        }
        boolean coupled;
        try (NDManager scope = lossManager.newSubManager()) {
            coupled = BatchCoupling.couplesRows(loss, sample, encoder.dimension(), scope);
        } catch (RuntimeException e) {
            LOG.debug("Could not tell whether {} couples the rows of a batch: {}", loss, e.toString());
            return;
        }
        if (coupled) {
            LOG.warn("The loss {} compares the rows of a batch with each other (in-batch negatives), so gradient_accumulation_steps {}"
                    + " is not a batch of {}: each micro-batch of {} sees only its own rows. For the larger batch, set"
                    + " per_device_train_batch_size {} with gradient_cache_mini_batch_size {} and gradient_accumulation_steps 1",
                    loss, accumulation, args.batchSize() * accumulation, args.batchSize(), args.batchSize() * accumulation,
                    args.batchSize());
        }
    }

    /** One batch forward and backward (seeded {@code seed}) through {@code loss}; returns its loss. Gradients add up in the parameters. */
    private double forwardBackward(Loss loss, CollatedBatch batch, Engine engine, int seed) {
        if (gradientCache != null) {
            return gradientCache.forwardBackward(batch, seed, loss, embedder, 1.0 / args.gradientAccumulationSteps(), lossManager);
        }
        try (NDManager scope = lossManager.newSubManager();
                GradientCollector collector = engine.newGradientCollector()) {
            List<CheckpointedEmbedding> checkpointed = new ArrayList<>();
            LossInputs inputs = embedder != null ? embedder.checkpointedInputs(batch, scope, checkpointed) : forward.inputs(batch, scope);
            NDArray value = loss.forward(inputs);
            double scalar = value.toType(DataType.FLOAT64, false).getDouble();
            if (Double.isFinite(scalar)) {
                collector.backward(Scalars.div(value, args.gradientAccumulationSteps()));
                checkpointed.forEach(embedding -> embedding.backPropagate(collector));
            }
            return scalar;
        }
    }

    private List<NDArray> trainableArrays() {
        List<NDArray> arrays = new ArrayList<>();
        optimizer.groups().forEach(group -> arrays.addAll(group.parameters().values()));
        return arrays;
    }

    private AdamW defaultOptimizer() {
        ParameterGroups groups = new ParameterGroups(args.learningRate(), args.weightDecay())
                .layerwiseDecay(args.layerwiseLrDecay())
                .lossMultiplier(args.lossLearningRateMultiplier());
        args.learningRateOverrides().forEach(groups::learningRateFor);
        Map<String, NDArray> modelParameters = new LinkedHashMap<>(model.trainableParameters());
        if (documentModel != model) {
            documentModel.trainableParameters().forEach((name, array) -> modelParameters.put("document." + name, array));
        }
        Map<String, NDArray> lossParameters = new LinkedHashMap<>();
        for (ActiveTrainingSet set : sets) {
            if (set.spec.loss() instanceof StatefulLoss stateful) {
                // one set keeps the names of a single-dataset run (loss.<parameter>); several get loss.<set>.<parameter>
                stateful.parameters().forEach((name, array) -> lossParameters.put(sets.size() > 1 ? set.name() + "." + name : name, array));
            }
        }
        return new AdamW(groups.build(modelParameters, lossParameters), args.adamBeta1(), args.adamBeta2(), args.adamEpsilon());
    }

    /** Creates a set's stateful loss's parameters and, when its initialisation needs data, embeds a sample of the set. */
    private void initializeLoss(ActiveTrainingSet set) {
        Loss loss = set.spec.loss();
        if (!(loss instanceof StatefulLoss stateful) || stateful.isInitialized()) {
            return;
        }
        lossManager.getEngine().setRandomSeed(args.seed());
        stateful.initialize(lossManager, DataType.FLOAT32);
        if (!stateful.needsDataInitialization()) {
            return;
        }
        if (embedder == null) {
            throw new RetrievalsException(setPrefix(set) + "The loss " + loss.getClass().getSimpleName()
                    + " initialises from embeddings; a reranker has none");
        }
        setTraining(false);
        try (NDManager scope = lossManager.newSubManager()) {
            List<NDArray> texts = new ArrayList<>();
            List<NDArray> labels = new ArrayList<>();
            int limit = Math.min(set.rows.size(), DATA_INITIALIZATION_ROWS);
            for (int start = 0; start < limit; start += args.batchSize()) {
                int[] indices = new int[Math.min(args.batchSize(), limit - start)];
                for (int i = 0; i < indices.length; i++) {
                    indices[i] = start + i;
                }
                LossInputs inputs = embedder.inputs(set.collate(indices), scope);
                texts.add(inputs.require(LossInputs.TEXT));
                labels.add(inputs.require(LossInputs.LABEL));
            }
            stateful.initializeFromData(LossInputs.of(Map.of(
                    LossInputs.TEXT, NDArrays.concat(new NDList(texts)), LossInputs.LABEL, NDArrays.concat(new NDList(labels)))));
        }
    }

    private void setTraining(boolean training) {
        for (TrainableModel tower : new HashSet<>(List.of(model, documentModel))) {
            if (training) {
                tower.train();
            } else {
                tower.eval();
            }
        }
        for (ActiveTrainingSet set : sets) {
            if (set.spec.loss() instanceof StatefulLoss stateful) {
                stateful.setMode(training ? LossMode.TRAINING : LossMode.EVALUATION);
            }
        }
    }

    /**
     * Runs every evaluator on the model in evaluation mode (a stateful loss is untouched) and
     * returns the metrics, prefixed {@code eval_}. The model's mode is restored afterwards.
     */
    public Map<String, Double> evaluate() {
        boolean wasTraining = model.isTraining();
        setTraining(false);
        Map<String, Double> metrics = new LinkedHashMap<>();
        try {
            for (int i = 0; i < evaluators.size(); i++) {
                EvaluationResult result = model instanceof TrainableRanker ranker
                        ? evaluators.get(i).evaluate(ranker) : evaluators.get(i).evaluate((TrainableEncoder) model);
                if (i == 0) {
                    firstPrimaryMetric = result.primaryMetric();
                }
                for (Map.Entry<String, Double> metric : result.metrics().entrySet()) {
                    String key = "eval_" + metric.getKey();
                    key = metrics.containsKey(key) ? key + "_" + i : key;
                    metrics.put(key, metric.getValue());
                    if (metric.getKey().equals(result.primaryMetric())) {
                        higherIsBetterByMetric.put(key, result.higherIsBetter());
                    }
                }
            }
        } finally {
            setTraining(wasTraining);
        }
        return metrics;
    }

    /** Evaluates, logs, tracks the best metric; returns whether it improved. */
    private boolean evaluateDuringTraining() {
        if (evaluators.isEmpty()) {
            return false;
        }
        Map<String, Double> metrics = evaluate();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("step", state.globalStep);
        entry.put("epoch", state.epoch);
        entry.putAll(metrics);
        state.logHistory.add(entry);
        listeners.forEach(l -> l.onLog(state, control, entry));
        listeners.forEach(l -> l.onEvaluate(state, control, metrics));
        String name = bestMetricName();
        Double value = metrics.get(name);
        if (value == null) {
            throw new RetrievalsException("metric_for_best_model '" + name + "' is not among the evaluation metrics " + metrics.keySet());
        }
        boolean higherIsBetter = higherIsBetter(name);
        boolean improved = state.bestMetric == null || (higherIsBetter ? value > state.bestMetric : value < state.bestMetric);
        if (improved) {
            state.bestMetric = value;
            state.bestCheckpoint = Checkpoints.folder(args.outputDir(), state.globalStep).getFileName().toString();
        }
        return improved;
    }

    /** The metric that selects models: {@code metric_for_best_model}, else the first evaluator's primary metric. */
    private String bestMetricName() {
        String name = args.metricForBestModel();
        if (!name.isEmpty()) {
            return name.startsWith("eval_") ? name : "eval_" + name;
        }
        return "eval_" + firstPrimaryMetric;
    }

    /** Evaluators say whether higher is better for their primary metric; other metrics count as higher-is-better unless named loss. */
    private boolean higherIsBetter(String metric) {
        Boolean known = higherIsBetterByMetric.get(metric);
        return known != null ? known : !metric.contains("loss");
    }

    private void log(double averageLoss) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("step", state.globalStep);
        entry.put("epoch", state.epoch);
        entry.put("loss", averageLoss);
        for (ActiveTrainingSet set : sets) {
            if (sets.size() > 1 && set.stepsSinceLog > 0) {
                entry.put("loss/" + set.name(), set.lossSinceLog / set.stepsSinceLog);
            }
            set.lossSinceLog = 0;
            set.stepsSinceLog = 0;
        }
        entry.put("learning_rate", state.learningRate);
        entry.put("grad_norm", state.gradientNorm);
        entry.put("tokens_per_second", state.tokensPerSecond);
        state.logHistory.add(entry);
        listeners.forEach(l -> l.onLog(state, control, entry));
    }

    private void saveCheckpoint() {
        long step = state.globalStep;
        Path checkpoint = Checkpoints.write(args.outputDir(), step, folder -> {
            model.save(folder.resolve(Checkpoints.MODEL_FOLDER));
            Checkpoints.writeArrays(folder.resolve(Checkpoints.OPTIMIZER_FILE), optimizer.moments());
            Map<String, Object> json = new LinkedHashMap<>(state.toMap());
            json.put("optimizer_step", optimizer.stepCount());
            json.put("seed", args.seed());
            json.put("arguments", args.asMap());
            for (ActiveTrainingSet set : sets) {
                if (set.spec.loss() instanceof StatefulLoss stateful) {
                    try (NDManager scope = lossManager.newSubManager()) {
                        LossState lossState = stateful.state(scope);
                        Checkpoints.writeArrays(folder.resolve(lossFile(set)), lossState.arrays());
                        json.put(lossStateKey(set), lossState.values());
                    }
                }
            }
            for (TrainerListener listener : listeners) {
                listener.onCheckpointWrite(state, folder);
            }
            Checkpoints.writeJson(folder.resolve(Checkpoints.STATE_FILE), json);
        });
        Checkpoints.prune(args.outputDir(), args.saveTotalLimit(), state.bestCheckpoint);
        listeners.forEach(l -> l.onSave(state, control, checkpoint));
    }

    private void resumeIfAsked() {
        String resume = args.resumeFromCheckpoint();
        if (resume.isEmpty()) {
            return;
        }
        Path checkpoint;
        if (resume.equals("latest")) {
            var latest = Checkpoints.latest(args.outputDir());
            if (latest.isEmpty()) {
                LOG.warn("resume_from_checkpoint is 'latest' but {} holds no complete checkpoint; starting from scratch", args.outputDir());
                return;
            }
            checkpoint = latest.get();
        } else {
            checkpoint = Path.of(resume);
            if (!Files.isRegularFile(checkpoint.resolve(Checkpoints.STATE_FILE))) {
                throw new RetrievalsException("resume_from_checkpoint " + checkpoint + " is not a complete checkpoint (no "
                        + Checkpoints.STATE_FILE + ")");
            }
        }
        JsonObject json = Checkpoints.readState(checkpoint);
        restoreWeights(checkpoint);
        try (NDManager scope = lossManager.newSubManager()) {
            optimizer.restore(Checkpoints.readArrays(checkpoint.resolve(Checkpoints.OPTIMIZER_FILE), scope),
                    json.get("optimizer_step").getAsLong(), checkpoint.toString());
            for (ActiveTrainingSet set : sets) {
                if (set.spec.loss() instanceof StatefulLoss stateful) {
                    if (!json.has(lossStateKey(set)) || !json.get(lossStateKey(set)).isJsonObject()) {
                        throw new RetrievalsException(checkpoint.resolve(Checkpoints.STATE_FILE) + ": '" + lossStateKey(set)
                                + "' is missing; the checkpoint was not written by a run with the training set '" + set.name()
                                + "' and its " + set.spec.loss().getClass().getSimpleName());
                    }
                    Map<String, Number> values = new LinkedHashMap<>();
                    for (Map.Entry<String, JsonElement> value : json.getAsJsonObject(lossStateKey(set)).entrySet()) {
                        values.put(value.getKey(), value.getValue().getAsNumber());
                    }
                    stateful.restore(new LossState(Checkpoints.readArrays(checkpoint.resolve(lossFile(set)), scope), values));
                }
            }
        }
        state.globalStep = json.get("global_step").getAsLong();
        state.epoch = json.get("epoch").getAsInt();
        state.batchInEpoch = json.get("batch_in_epoch").getAsInt();
        if (json.has("best_metric") && !json.get("best_metric").isJsonNull()) {
            state.bestMetric = json.get("best_metric").getAsDouble();
            state.bestCheckpoint = json.get("best_checkpoint").getAsString();
        }
        LOG.info("Resumed from {} at step {} (epoch {}, batch {})", checkpoint, state.globalStep, state.epoch, state.batchInEpoch);
    }

    private void restoreWeights(Path checkpoint) {
        try (NDManager scope = lossManager.newSubManager()) {
            Path weights = checkpoint.resolve(Checkpoints.MODEL_FOLDER).resolve("model.safetensors");
            Checkpoints.copyInto(model.parameters(), Checkpoints.readArrays(weights, scope), weights.toString());
        }
    }

    /** A set's stateful-loss file in a checkpoint: {@code loss.safetensors} for a single set, {@code loss-<set>.safetensors} for several. */
    private String lossFile(ActiveTrainingSet set) {
        return sets.size() > 1 ? "loss-" + set.name() + ".safetensors" : Checkpoints.LOSS_FILE;
    }

    /** A set's key for its stateful loss's values in {@code trainer_state.json}: {@code loss_state}, or {@code loss_state/<set>}. */
    private String lossStateKey(ActiveTrainingSet set) {
        return sets.size() > 1 ? "loss_state/" + set.name() : "loss_state";
    }

    private long epochSeed(int epoch) {
        return args.seed() * 1_000_003L + epoch;
    }

    private int stepSeed(long step, int microBatch) {
        long mixed = (args.seed() * 0x9E3779B97F4A7C15L) ^ (step * 0xBF58476D1CE4E5B9L) ^ (microBatch * 0x94D049BB133111EBL);
        return (int) (mixed ^ (mixed >>> 32)) & Integer.MAX_VALUE;
    }

    /** The optimizer (available once training has started, or when one was given). */
    public AdamW optimizer() {
        return optimizer;
    }

    /** The state of training. */
    public TrainerState state() {
        return state;
    }

    /** Frees the optimizer's moments (if the trainer made the optimizer) and the loss's parameters' manager. */
    @Override
    public void close() {
        if (ownsOptimizer && optimizer != null) {
            optimizer.close();
        }
        lossManager.close();
    }

    /** Builds a {@link RetrievalTrainer}. */
    public static final class Builder {
        private TrainableModel model;
        private TrainableEncoder documentModel;
        private TrainingArguments args;
        private Dataset trainDataset;
        private Collator collator;
        private Loss loss;
        private final List<TrainingSet> namedSets = new ArrayList<>();
        private final List<Evaluator> evaluators = new ArrayList<>();
        private final List<TrainerListener> listeners = new ArrayList<>();
        private TrainType trainType;
        private BatchSampler sampler;
        private LearningRateSchedule schedule;
        private AdamW optimizer;

        private Builder() {}

        /**
         * The model to train: an embedding model ({@link TrainableEncoder}: the query tower, and the
         * document tower unless {@link #documentModel} is set) or a reranker ({@link TrainableRanker},
         * trained on the logits of (query, document) pairs from a cross-encoder collator).
         */
        public Builder model(TrainableModel value) {
            this.model = value;
            return this;
        }

        /** A separate document tower for pair-wise training (shared weights by default). */
        public Builder documentModel(TrainableEncoder value) {
            this.documentModel = value;
            return this;
        }

        /** The training arguments. */
        public Builder args(TrainingArguments value) {
            this.args = value;
            return this;
        }

        /** The training rows (of a run with one training set; with {@link #collator} and {@link #loss}). */
        public Builder trainDataset(Dataset value) {
            this.trainDataset = value;
            return this;
        }

        /**
         * Adds a named training set with its own collator and loss; call once per set. Each optimizer
         * step takes its batches from one set ({@code multi_dataset_batch_sampler}) and trains them
         * with that set's loss. Not combined with {@link #trainDataset(Dataset)}, {@link #collator}
         * and {@link #loss}, which describe a run with one unnamed set.
         */
        public Builder trainDataset(String name, Dataset dataset, Collator setCollator, Loss setLoss) {
            namedSets.add(new TrainingSet(name, dataset, setCollator, setLoss));
            return this;
        }

        /** Adds a named training set (see {@link #trainDataset(String, Dataset, Collator, Loss)}). */
        public Builder trainingSet(TrainingSet value) {
            namedSets.add(Objects.requireNonNull(value, "training set"));
            return this;
        }

        /** The sets of the run: the named ones, or the one set of trainDataset, collator and loss. */
        private List<TrainingSet> trainingSets() {
            if (namedSets.isEmpty()) {
                Objects.requireNonNull(trainDataset, "trainDataset");
                return List.of(new TrainingSet("train", trainDataset, Objects.requireNonNull(collator, "collator"),
                        Objects.requireNonNull(loss, "loss")));
            }
            if (trainDataset != null || collator != null || loss != null) {
                throw new RetrievalsException("Give the training data either as named sets (trainDataset(name, dataset, collator, loss))"
                        + " or as trainDataset(dataset), collator(...) and loss(...), not both");
            }
            return List.copyOf(namedSets);
        }

        /** The collator that turns rows into batches. */
        public Builder collator(Collator value) {
            this.collator = value;
            return this;
        }

        /** The loss. */
        public Builder loss(Loss value) {
            this.loss = value;
            return this;
        }

        /** Adds an evaluator run during and after training. */
        public Builder evaluator(Evaluator value) {
            evaluators.add(Objects.requireNonNull(value, "evaluator"));
            return this;
        }

        /** Adds a listener. */
        public Builder listener(TrainerListener value) {
            listeners.add(Objects.requireNonNull(value, "listener"));
            return this;
        }

        /** The train type (of every set); inferred from each set's loss's inputs when not set. */
        public Builder trainType(TrainType value) {
            this.trainType = value;
            return this;
        }

        /** A batch sampler (for every set) instead of the one {@code batch_sampler} names. */
        public Builder batchSampler(BatchSampler value) {
            this.sampler = value;
            return this;
        }

        /** A schedule instead of the plugin {@code lr_scheduler_type} names. */
        public Builder schedule(LearningRateSchedule value) {
            this.schedule = value;
            return this;
        }

        /** An optimizer made by the caller instead of the default AdamW (the caller closes it). */
        public Builder optimizer(AdamW value) {
            this.optimizer = value;
            return this;
        }

        /** The trainer; fails naming what is missing. */
        public RetrievalTrainer build() {
            return new RetrievalTrainer(this);
        }
    }
}
