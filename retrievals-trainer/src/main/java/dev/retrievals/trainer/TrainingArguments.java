package dev.retrievals.trainer;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.spi.OptionSet;
import dev.retrievals.core.spi.OptionSpec;
import dev.retrievals.core.spi.Options;
import dev.retrievals.trainer.gradcache.GradientCache;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to train: Hugging Face {@code TrainingArguments} names and defaults where they fit. Build
 * with {@link #builder(Path)} or from a map of option names ({@link #fromMap}); every value is
 * checked, and a bad one names the option, the value and the allowed range.
 */
public final class TrainingArguments {
    private static final String OWNER = "training arguments";

    static final OptionSpec<Integer> NUM_TRAIN_EPOCHS = OptionSpec.ofInt("num_train_epochs", 3, "passes over the training data").atLeast(1);
    static final OptionSpec<Integer> MAX_STEPS =
            OptionSpec.ofInt("max_steps", -1, "optimizer steps to run; overrides epochs when positive").atLeast(-1);
    static final OptionSpec<Integer> BATCH_SIZE =
            OptionSpec.ofInt("per_device_train_batch_size", 8, "rows per training batch").atLeast(1);
    static final OptionSpec<Double> LEARNING_RATE = OptionSpec.ofDouble("learning_rate", 5e-5, "base AdamW learning rate").greaterThan(0);
    static final OptionSpec<Double> WEIGHT_DECAY =
            OptionSpec.ofDouble("weight_decay", 0.0, "decoupled weight decay (not on biases and LayerNorm weights)").atLeast(0);
    static final OptionSpec<Double> ADAM_BETA1 = OptionSpec.ofDouble("adam_beta1", 0.9, "AdamW beta1").atLeast(0).lessThan(1);
    static final OptionSpec<Double> ADAM_BETA2 = OptionSpec.ofDouble("adam_beta2", 0.999, "AdamW beta2").atLeast(0).lessThan(1);
    static final OptionSpec<Double> ADAM_EPSILON = OptionSpec.ofDouble("adam_epsilon", 1e-8, "AdamW epsilon").greaterThan(0);
    static final OptionSpec<Double> MAX_GRAD_NORM =
            OptionSpec.ofDouble("max_grad_norm", 1.0, "clip the global gradient norm to this (0 turns clipping off)").atLeast(0);
    static final OptionSpec<String> LR_SCHEDULER_TYPE =
            OptionSpec.ofString("lr_scheduler_type", "linear", "learning-rate schedule plugin (linear, cosine, constant, constant_with_warmup)");
    static final OptionSpec<Double> WARMUP_RATIO =
            OptionSpec.ofDouble("warmup_ratio", 0.0, "share of the steps used for linear warmup").atLeast(0).atMost(1);
    static final OptionSpec<Integer> WARMUP_STEPS =
            OptionSpec.ofInt("warmup_steps", 0, "warmup steps; overrides warmup_ratio when positive").atLeast(0);
    static final OptionSpec<Integer> GRADIENT_ACCUMULATION_STEPS =
            OptionSpec.ofInt("gradient_accumulation_steps", 1, "batches whose gradients add up before one optimizer step").atLeast(1);
    static final OptionSpec<Integer> SEED = OptionSpec.ofInt("seed", 42, "seed of shuffling, dropout and initialisation");
    static final OptionSpec<Integer> LOGGING_STEPS = OptionSpec.ofInt("logging_steps", 50, "optimizer steps between log lines").atLeast(1);
    static final OptionSpec<String> EVAL_STRATEGY =
            OptionSpec.ofChoice("eval_strategy", "no", "when to evaluate during training", "no", "steps", "epoch");
    static final OptionSpec<Integer> EVAL_STEPS = OptionSpec.ofInt("eval_steps", 500, "steps between evaluations (eval_strategy steps)").atLeast(1);
    static final OptionSpec<String> SAVE_STRATEGY =
            OptionSpec.ofChoice("save_strategy", "steps", "when to write checkpoints", "no", "steps", "epoch");
    static final OptionSpec<Integer> SAVE_STEPS = OptionSpec.ofInt("save_steps", 500, "steps between checkpoints (save_strategy steps)").atLeast(1);
    static final OptionSpec<Integer> SAVE_TOTAL_LIMIT =
            OptionSpec.ofInt("save_total_limit", 0, "checkpoints to keep, oldest deleted first (0 keeps all)").atLeast(0);
    static final OptionSpec<Boolean> LOAD_BEST_MODEL_AT_END =
            OptionSpec.ofBoolean("load_best_model_at_end", false, "reload the best checkpoint's weights when training ends");
    static final OptionSpec<String> METRIC_FOR_BEST_MODEL =
            OptionSpec.ofString("metric_for_best_model", "", "metric that selects the best model (default: the evaluator's primary)");
    static final OptionSpec<String> RESUME_FROM_CHECKPOINT =
            OptionSpec.ofString("resume_from_checkpoint", "", "a checkpoint folder, or 'latest' for the newest complete one in output_dir");
    static final OptionSpec<String> NON_FINITE_LOSS =
            OptionSpec.ofChoice("non_finite_loss", "stop", "what to do on a NaN or infinite loss or gradient", "stop", "skip");
    static final OptionSpec<Double> LAYERWISE_LR_DECAY = OptionSpec.ofDouble("layerwise_lr_decay", 1.0,
            "learning-rate factor per encoder layer below the top (1 turns it off)").greaterThan(0).atMost(1);
    static final OptionSpec<Double> LOSS_LR_MULTIPLIER = OptionSpec.ofDouble("loss_learning_rate_multiplier", 1.0,
            "learning rate of loss-owned parameters (ArcFace arc_weight) as a multiple of the base").greaterThan(0);
    static final OptionSpec<String> BATCH_SAMPLER = OptionSpec.ofChoice("batch_sampler", "random",
            "how rows form batches", "random", "length_grouped", "no_duplicates", "group_by_label");
    static final OptionSpec<String> MULTI_DATASET_BATCH_SAMPLER = OptionSpec.ofChoice("multi_dataset_batch_sampler",
            MultiDatasetBatchSampler.PROPORTIONAL, "how the batches of several training sets interleave",
            MultiDatasetBatchSampler.PROPORTIONAL, MultiDatasetBatchSampler.ROUND_ROBIN);
    static final OptionSpec<Integer> GRADIENT_CACHE_MINI_BATCH_SIZE = GradientCache.MINI_BATCH_SIZE;
    static final OptionSpec<Boolean> GRADIENT_CHECKPOINTING = OptionSpec.ofBoolean("gradient_checkpointing", false,
            "keep only each encoder layer's input in the forward pass and run the layer again in the backward pass: the"
                    + " memory of one layer's activations instead of all, for one more forward pass (same gradients)");
    static final OptionSpec<Boolean> DISABLE_TQDM = OptionSpec.ofBoolean("disable_tqdm", false, "turn the progress bar off");

    static final OptionSet OPTIONS = OptionSet.of(NUM_TRAIN_EPOCHS, MAX_STEPS, BATCH_SIZE, LEARNING_RATE, WEIGHT_DECAY,
            ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, MAX_GRAD_NORM, LR_SCHEDULER_TYPE, WARMUP_RATIO, WARMUP_STEPS,
            GRADIENT_ACCUMULATION_STEPS, GRADIENT_CACHE_MINI_BATCH_SIZE, GRADIENT_CHECKPOINTING, SEED, LOGGING_STEPS, EVAL_STRATEGY, EVAL_STEPS, SAVE_STRATEGY, SAVE_STEPS,
            SAVE_TOTAL_LIMIT, LOAD_BEST_MODEL_AT_END, METRIC_FOR_BEST_MODEL, RESUME_FROM_CHECKPOINT, NON_FINITE_LOSS,
            LAYERWISE_LR_DECAY, LOSS_LR_MULTIPLIER, BATCH_SAMPLER, MULTI_DATASET_BATCH_SAMPLER, DISABLE_TQDM);

    private final Path outputDir;
    private final Options options;
    private final Map<String, Double> learningRateOverrides;

    private TrainingArguments(Path outputDir, Options options, Map<String, Double> learningRateOverrides) {
        this.outputDir = Objects.requireNonNull(outputDir, "output_dir");
        this.options = options;
        this.learningRateOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(learningRateOverrides));
    }

    /** Arguments from option names to values (text or typed); unknown names are an error. */
    public static TrainingArguments fromMap(Path outputDir, Map<String, ?> values) {
        return new TrainingArguments(outputDir, OPTIONS.parse(values, OWNER), Map.of());
    }

    /** A builder starting from the defaults. */
    public static Builder builder(Path outputDir) {
        return new Builder(outputDir);
    }

    /** Every option this class accepts (for {@code retrievals info} and configuration files). */
    public static OptionSet options() {
        return OPTIONS;
    }

    /** A builder with these arguments as its starting point. */
    public Builder toBuilder() {
        Builder builder = new Builder(outputDir);
        builder.values.putAll(options.asMap());
        builder.learningRateOverrides.putAll(learningRateOverrides);
        return builder;
    }

    /** Where checkpoints, logs and the final model go. */
    public Path outputDir() {
        return outputDir;
    }

    /** {@code num_train_epochs}. */
    public int numTrainEpochs() {
        return options.get(NUM_TRAIN_EPOCHS);
    }

    /** {@code max_steps}; -1 when epochs decide. */
    public int maxSteps() {
        return options.get(MAX_STEPS);
    }

    /** {@code per_device_train_batch_size}. */
    public int batchSize() {
        return options.get(BATCH_SIZE);
    }

    /** {@code learning_rate}. */
    public double learningRate() {
        return options.get(LEARNING_RATE);
    }

    /** {@code weight_decay}. */
    public double weightDecay() {
        return options.get(WEIGHT_DECAY);
    }

    /** {@code adam_beta1}. */
    public double adamBeta1() {
        return options.get(ADAM_BETA1);
    }

    /** {@code adam_beta2}. */
    public double adamBeta2() {
        return options.get(ADAM_BETA2);
    }

    /** {@code adam_epsilon}. */
    public double adamEpsilon() {
        return options.get(ADAM_EPSILON);
    }

    /** {@code max_grad_norm}; 0 when clipping is off. */
    public double maxGradNorm() {
        return options.get(MAX_GRAD_NORM);
    }

    /** {@code lr_scheduler_type}: a schedule plugin name. */
    public String lrSchedulerType() {
        return options.get(LR_SCHEDULER_TYPE);
    }

    /** Warmup steps for a run of {@code totalSteps}: {@code warmup_steps} if positive, else the ratio, rounded up. */
    public long warmupSteps(long totalSteps) {
        int steps = options.get(WARMUP_STEPS);
        return steps > 0 ? steps : (long) Math.ceil(options.get(WARMUP_RATIO) * totalSteps);
    }

    /** {@code gradient_accumulation_steps}. */
    public int gradientAccumulationSteps() {
        return options.get(GRADIENT_ACCUMULATION_STEPS);
    }

    /**
     * {@code gradient_cache_mini_batch_size}: rows per chunk when gradient caching is on, 0 when off
     * (see {@link GradientCache}).
     */
    public int gradientCacheMiniBatchSize() {
        return options.get(GRADIENT_CACHE_MINI_BATCH_SIZE);
    }

    /**
     * {@code gradient_checkpointing}: whether embedding models train with activation checkpointing
     * ({@link dev.retrievals.core.model.TrainableEncoder#embedCheckpointed}).
     */
    public boolean gradientCheckpointing() {
        return options.get(GRADIENT_CHECKPOINTING);
    }

    /** {@code seed}. */
    public int seed() {
        return options.get(SEED);
    }

    /** {@code logging_steps}. */
    public int loggingSteps() {
        return options.get(LOGGING_STEPS);
    }

    /** {@code eval_strategy}: no, steps or epoch. */
    public String evalStrategy() {
        return options.get(EVAL_STRATEGY);
    }

    /** {@code eval_steps}. */
    public int evalSteps() {
        return options.get(EVAL_STEPS);
    }

    /** {@code save_strategy}: no, steps or epoch. */
    public String saveStrategy() {
        return options.get(SAVE_STRATEGY);
    }

    /** {@code save_steps}. */
    public int saveSteps() {
        return options.get(SAVE_STEPS);
    }

    /** {@code save_total_limit}; 0 keeps every checkpoint. */
    public int saveTotalLimit() {
        return options.get(SAVE_TOTAL_LIMIT);
    }

    /** {@code load_best_model_at_end}. */
    public boolean loadBestModelAtEnd() {
        return options.get(LOAD_BEST_MODEL_AT_END);
    }

    /** {@code metric_for_best_model}; empty for the evaluator's primary metric. */
    public String metricForBestModel() {
        return options.get(METRIC_FOR_BEST_MODEL);
    }

    /** {@code resume_from_checkpoint}: empty, {@code latest}, or a folder. */
    public String resumeFromCheckpoint() {
        return options.get(RESUME_FROM_CHECKPOINT);
    }

    /** Whether a non-finite loss or gradient stops training (else the step is skipped). */
    public boolean stopOnNonFiniteLoss() {
        return options.get(NON_FINITE_LOSS).equals("stop");
    }

    /** {@code layerwise_lr_decay}. */
    public double layerwiseLrDecay() {
        return options.get(LAYERWISE_LR_DECAY);
    }

    /** {@code loss_learning_rate_multiplier}. */
    public double lossLearningRateMultiplier() {
        return options.get(LOSS_LR_MULTIPLIER);
    }

    /** {@code batch_sampler}: random, length_grouped, no_duplicates or group_by_label. */
    public String batchSampler() {
        return options.get(BATCH_SAMPLER);
    }

    /**
     * {@code multi_dataset_batch_sampler}: with several training sets, {@code proportional} (every batch
     * of every set, sets drawn in proportion to their batches) or {@code round_robin} (one step of each
     * set in turn until the smallest runs out); see {@link MultiDatasetBatchSampler}.
     */
    public String multiDatasetBatchSampler() {
        return options.get(MULTI_DATASET_BATCH_SAMPLER);
    }

    /** Whether the progress bar is drawn. */
    public boolean showProgressBar() {
        return !options.get(DISABLE_TQDM);
    }

    /** Learning rates by parameter-name regex (first match wins; before layer-wise decay). */
    public Map<String, Double> learningRateOverrides() {
        return learningRateOverrides;
    }

    /** The option values by name, for logs and checkpoints. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>(options.asMap());
        map.put("output_dir", outputDir.toString());
        map.put("learning_rate_overrides", learningRateOverrides);
        return map;
    }

    @Override
    public String toString() {
        return "TrainingArguments" + asMap();
    }

    /** Builds {@link TrainingArguments}; each setter checks its value at once. */
    public static final class Builder {
        private final Path outputDir;
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, Double> learningRateOverrides = new LinkedHashMap<>();

        private Builder(Path outputDir) {
            this.outputDir = outputDir;
        }

        private <V> Builder set(OptionSpec<V> spec, Object value) {
            values.put(spec.name(), spec.check(value, OWNER));
            return this;
        }

        /** Sets any option by its Hugging Face name. */
        public Builder option(String name, Object value) {
            OPTIONS.parse(Map.of(name, value), OWNER);
            values.put(name.trim().toLowerCase(java.util.Locale.ROOT), value);
            return this;
        }

        /** Sets {@code num_train_epochs} (see {@link TrainingArguments}). */
        public Builder numTrainEpochs(int value) {
            return set(NUM_TRAIN_EPOCHS, value);
        }

        /** Sets {@code max_steps} (see {@link TrainingArguments}). */
        public Builder maxSteps(int value) {
            return set(MAX_STEPS, value);
        }

        /** Sets {@code per_device_train_batch_size} (see {@link TrainingArguments}). */
        public Builder batchSize(int value) {
            return set(BATCH_SIZE, value);
        }

        /** Sets {@code learning_rate} (see {@link TrainingArguments}). */
        public Builder learningRate(double value) {
            return set(LEARNING_RATE, value);
        }

        /** Sets {@code weight_decay} (see {@link TrainingArguments}). */
        public Builder weightDecay(double value) {
            return set(WEIGHT_DECAY, value);
        }

        /** Sets {@code max_grad_norm} (see {@link TrainingArguments}). */
        public Builder maxGradNorm(double value) {
            return set(MAX_GRAD_NORM, value);
        }

        /** Sets {@code lr_scheduler_type} (see {@link TrainingArguments}). */
        public Builder lrSchedulerType(String value) {
            return set(LR_SCHEDULER_TYPE, value);
        }

        /** Sets {@code warmup_ratio} (see {@link TrainingArguments}). */
        public Builder warmupRatio(double value) {
            return set(WARMUP_RATIO, value);
        }

        /** Sets {@code warmup_steps} (see {@link TrainingArguments}). */
        public Builder warmupSteps(int value) {
            return set(WARMUP_STEPS, value);
        }

        /** Sets {@code gradient_accumulation_steps} (see {@link TrainingArguments}). */
        public Builder gradientAccumulationSteps(int value) {
            return set(GRADIENT_ACCUMULATION_STEPS, value);
        }

        /** Sets {@code gradient_cache_mini_batch_size} (see {@link TrainingArguments#gradientCacheMiniBatchSize()}). */
        public Builder gradientCacheMiniBatchSize(int value) {
            return set(GRADIENT_CACHE_MINI_BATCH_SIZE, value);
        }

        /** Sets {@code gradient_checkpointing} (see {@link TrainingArguments#gradientCheckpointing()}). */
        public Builder gradientCheckpointing(boolean value) {
            return set(GRADIENT_CHECKPOINTING, value);
        }

        /** Sets {@code seed} (see {@link TrainingArguments}). */
        public Builder seed(int value) {
            return set(SEED, value);
        }

        /** Sets {@code logging_steps} (see {@link TrainingArguments}). */
        public Builder loggingSteps(int value) {
            return set(LOGGING_STEPS, value);
        }

        /** Sets {@code eval_strategy} (see {@link TrainingArguments}). */
        public Builder evalStrategy(String value) {
            return set(EVAL_STRATEGY, value);
        }

        /** Sets {@code eval_steps} (see {@link TrainingArguments}). */
        public Builder evalSteps(int value) {
            return set(EVAL_STEPS, value);
        }

        /** Sets {@code save_strategy} (see {@link TrainingArguments}). */
        public Builder saveStrategy(String value) {
            return set(SAVE_STRATEGY, value);
        }

        /** Sets {@code save_steps} (see {@link TrainingArguments}). */
        public Builder saveSteps(int value) {
            return set(SAVE_STEPS, value);
        }

        /** Sets {@code save_total_limit} (see {@link TrainingArguments}). */
        public Builder saveTotalLimit(int value) {
            return set(SAVE_TOTAL_LIMIT, value);
        }

        /** Sets {@code load_best_model_at_end} (see {@link TrainingArguments}). */
        public Builder loadBestModelAtEnd(boolean value) {
            return set(LOAD_BEST_MODEL_AT_END, value);
        }

        /** Sets {@code metric_for_best_model} (see {@link TrainingArguments}). */
        public Builder metricForBestModel(String value) {
            return set(METRIC_FOR_BEST_MODEL, value);
        }

        /** Sets {@code resume_from_checkpoint} (see {@link TrainingArguments}). */
        public Builder resumeFromCheckpoint(String value) {
            return set(RESUME_FROM_CHECKPOINT, value);
        }

        /** Sets {@code non_finite_loss} (see {@link TrainingArguments}). */
        public Builder nonFiniteLoss(String value) {
            return set(NON_FINITE_LOSS, value);
        }

        /** Sets {@code layerwise_lr_decay} (see {@link TrainingArguments}). */
        public Builder layerwiseLrDecay(double value) {
            return set(LAYERWISE_LR_DECAY, value);
        }

        /** Sets {@code loss_learning_rate_multiplier} (see {@link TrainingArguments}). */
        public Builder lossLearningRateMultiplier(double value) {
            return set(LOSS_LR_MULTIPLIER, value);
        }

        /** Sets {@code batch_sampler} (see {@link TrainingArguments}). */
        public Builder batchSampler(String value) {
            return set(BATCH_SAMPLER, value);
        }

        /** Sets {@code multi_dataset_batch_sampler} (see {@link TrainingArguments}). */
        public Builder multiDatasetBatchSampler(String value) {
            return set(MULTI_DATASET_BATCH_SAMPLER, value);
        }

        /** Sets {@code disable_tqdm} (see {@link TrainingArguments}). */
        public Builder disableProgressBar(boolean value) {
            return set(DISABLE_TQDM, value);
        }

        /** Gives parameters whose name matches {@code regex} their own learning rate. */
        public Builder learningRateFor(String regex, double learningRate) {
            try {
                java.util.regex.Pattern.compile(regex);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new RetrievalsException("Learning-rate override pattern '" + regex + "' is not a valid regex: " + e.getDescription());
            }
            LEARNING_RATE.check(learningRate, OWNER + " (learning rate for '" + regex + "')");
            learningRateOverrides.put(regex, learningRate);
            return this;
        }

        /** The checked arguments. */
        public TrainingArguments build() {
            return new TrainingArguments(outputDir, OPTIONS.parse(values, OWNER), learningRateOverrides);
        }
    }
}
