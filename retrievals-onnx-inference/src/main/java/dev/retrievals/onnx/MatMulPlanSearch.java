package dev.retrievals.onnx;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.retrievals.core.RetrievalsException;
import dev.retrievals.core.progress.ProgressBar;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Chooses a {@link MatMulPlan} for {@link QuantizedMatMulOp#MIXED}: per-tensor activations where they are harmless, per row
 * where an activation's outliers make per tensor cost accuracy, float32 where even per row costs too much.
 *
 * <p>The unit of choice is an activation: the MatMuls that read one activation (the query, key and value projections share
 * one) get one form, so each activation is quantized once. The search:
 * <ol>
 *   <li>sensitivity: for each activation, the plan's score with only its MatMuls quantized (the rest float32), per tensor
 *       and per row: what each one alone costs in accuracy ({@code 1 - score}, its damage);</li>
 *   <li>starts from every MatMul per tensor (the fastest form) and, while the score is below the target, makes the move
 *       (one activation to per row or to float32) that removes the most damage per unit of added time
 *       ({@link #RELATIVE_COST} times the weights' size), scoring the whole plan after each move;</li>
 *   <li>once the target is reached, takes back moves it does not need (latest first, each taken back only if the plan
 *       still reaches the target, repeated until none can go): damages do not add up exactly. No activation of the result
 *       can then move alone to a cheaper form and keep the target.</li>
 * </ol>
 * The score is the smallest cosine over the export's sample texts between the candidate's embeddings and the float32
 * graph's; {@link OnnxExporter} aims at its gate plus {@value #DEFAULT_MARGIN}, so per-tensor ranges that move with the
 * other texts of a batch keep some room. The plan is tuned on the sample texts: check it on others ({@code --eval-sts}, or a
 * {@code --calibration} file of your own texts).
 */
public final class MatMulPlanSearch {
    /** How far above the export's gate the search aims. */
    public static final double DEFAULT_MARGIN = 0.002;

    private MatMulPlanSearch() {}

    /** Scores a candidate plan: the smallest cosine over the sample texts between its embeddings and the float32 graph's. */
    @FunctionalInterface
    public interface PlanScore {
        /** The candidate's smallest cosine to float32 (1 is exact). */
        double worstCosine(MatMulPlan plan);
    }

    /**
     * What quantizing one activation's MatMuls alone costs.
     *
     * @param activation the activation (graph tensor) the MatMuls read
     * @param weights the weights of those MatMuls
     * @param perTensor the smallest cosine with only these MatMuls quantized, activations per tensor
     * @param perRow the same with activations per row
     * @param chosen the form the plan gives them
     */
    public record Sensitivity(String activation, List<String> weights, double perTensor, double perRow, MatMulForm chosen) {}

    /**
     * One move of the search.
     *
     * @param activation the activation moved ("" for the start, every MatMul per tensor)
     * @param form its new form
     * @param worstCosine the plan's score after the move
     */
    public record Step(String activation, MatMulForm form, double worstCosine) {}

    /**
     * The chosen plan and how it was found.
     *
     * @param plan the chosen plan
     * @param target the score the search aimed at
     * @param worstCosine the chosen plan's score
     * @param sensitivities each activation's sensitivity, in graph order
     * @param steps the moves, from the start (every MatMul per tensor)
     */
    public record Result(MatMulPlan plan, double target, double worstCosine, List<Sensitivity> sensitivities, List<Step> steps) {
        /** The sensitivity table and the moves, as lines of text. */
        public String table() {
            StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                    "MatMul plan: %s; smallest cosine to float32 %.5f (target %.5f)%n  %-60s %10s %10s  %s%n", plan.summary(),
                    worstCosine, target, "activation (MatMuls), alone quantized:", "per tensor", "per row", "chosen"));
            for (Sensitivity s : sensitivities) {
                text.append(String.format(Locale.ROOT, "  %-60s %10.5f %10.5f  %s%n", s.activation() + " (" + s.weights().size() + ")",
                        s.perTensor(), s.perRow(), s.chosen().label()));
            }
            text.append("  moves:");
            for (Step step : steps) {
                text.append(String.format(Locale.ROOT, " %s %.5f;", step.activation().isEmpty() ? "all per_tensor"
                        : step.activation() + " -> " + step.form().label(), step.worstCosine()));
            }
            return text.toString();
        }

        /** The result as JSON, for the export report. */
        public JsonObject toJson() {
            JsonObject json = new JsonObject();
            json.addProperty("summary", plan.summary());
            json.addProperty("target_min_cosine", target);
            json.addProperty("min_cosine_to_float32", worstCosine);
            JsonArray table = new JsonArray();
            for (Sensitivity s : sensitivities) {
                JsonObject row = new JsonObject();
                row.addProperty("activation", s.activation());
                JsonArray weights = new JsonArray();
                s.weights().forEach(weights::add);
                row.add("matmul_weights", weights);
                row.addProperty("alone_per_tensor_min_cosine", s.perTensor());
                row.addProperty("alone_per_row_min_cosine", s.perRow());
                row.addProperty("chosen", s.chosen().label());
                table.add(row);
            }
            json.add("sensitivity", table);
            JsonArray moves = new JsonArray();
            for (Step step : steps) {
                JsonObject move = new JsonObject();
                move.addProperty("activation", step.activation());
                move.addProperty("form", step.form().label());
                move.addProperty("min_cosine", step.worstCosine());
                moves.add(move);
            }
            json.add("moves", moves);
            return json;
        }
    }

    /**
     * Runs the search.
     *
     * @param units the MatMul weights by the activation they read ({@link Int8MatMulQuantizer#quantizableWeights})
     * @param weightElements the number of elements of a weight (a MatMul's cost is taken to grow with it)
     * @param target the smallest acceptable score
     * @param score scores a candidate plan
     * @param showProgressBar whether to show progress while the sensitivities are measured
     */
    public static Result search(Map<String, List<String>> units, ToLongFunction<String> weightElements, double target, PlanScore score,
            boolean showProgressBar) {
        if (!(target > -1 && target <= 1)) {
            throw new RetrievalsException("MatMul plan search: target min cosine " + target + " is outside (-1, 1]");
        }
        List<String> all = new ArrayList<>();
        units.values().forEach(all::addAll);
        MatMulPlan allFloat = MatMulPlan.uniform(all, MatMulForm.FLOAT32);
        List<String> activations = new ArrayList<>(units.keySet());
        int count = activations.size();
        double[][] damage = new double[count][MatMulForm.values().length]; // 1 - score with the unit alone in a form
        double[] elements = new double[count];
        try (ProgressBar progress = new ProgressBar("int8 MatMul sensitivity", 2L * count, showProgressBar)) {
            for (int i = 0; i < count; i++) {
                List<String> weights = units.get(activations.get(i));
                elements[i] = weights.stream().mapToLong(weightElements).sum();
                for (MatMulForm form : new MatMulForm[] {MatMulForm.PER_TENSOR, MatMulForm.PER_ROW}) {
                    damage[i][form.ordinal()] = 1 - score.worstCosine(allFloat.with(weights, form));
                    progress.advance(1);
                }
            }
        }
        MatMulForm[] chosen = new MatMulForm[count];
        java.util.Arrays.fill(chosen, MatMulForm.PER_TENSOR);
        MatMulPlan plan = MatMulPlan.uniform(all, MatMulForm.PER_TENSOR);
        double worst = score.worstCosine(plan);
        List<Step> steps = new ArrayList<>(List.of(new Step("", MatMulForm.PER_TENSOR, worst)));
        List<Integer> moved = new ArrayList<>();
        while (worst < target) {
            Move best = null;
            for (int i = 0; i < count; i++) {
                for (MatMulForm form : MatMulForm.values()) {
                    double gained = damage[i][chosen[i].ordinal()] - damage[i][form.ordinal()];
                    double cost = (RELATIVE_COST[form.ordinal()] - RELATIVE_COST[chosen[i].ordinal()]) * elements[i];
                    if (cost > 0 && gained > 0 && (best == null || gained / cost > best.gainPerCost())) {
                        best = new Move(i, form, gained / cost);
                    }
                }
            }
            if (best == null) {
                break; // every activation is as accurate as its sensitivities say it can be
            }
            chosen[best.unit()] = best.form();
            moved.remove(Integer.valueOf(best.unit()));
            moved.add(best.unit());
            plan = plan.with(units.get(activations.get(best.unit())), best.form());
            worst = score.worstCosine(plan);
            steps.add(new Step(activations.get(best.unit()), best.form(), worst));
        }
        // errors do not add up exactly: take back the moves the target does not need, latest first, until none can go
        boolean changed = worst >= target;
        while (changed) {
            changed = false;
            for (int m = moved.size() - 1; m >= 0; m--) {
                int i = moved.get(m);
                for (MatMulForm cheaper : cheaperForms(chosen[i])) {
                    MatMulPlan candidate = plan.with(units.get(activations.get(i)), cheaper);
                    double candidateWorst = score.worstCosine(candidate);
                    if (candidateWorst >= target) {
                        chosen[i] = cheaper;
                        plan = candidate;
                        worst = candidateWorst;
                        steps.add(new Step(activations.get(i), cheaper, worst));
                        changed = true;
                        break;
                    }
                }
            }
        }
        List<Sensitivity> table = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            table.add(new Sensitivity(activations.get(i), List.copyOf(units.get(activations.get(i))),
                    1 - damage[i][MatMulForm.PER_TENSOR.ordinal()], 1 - damage[i][MatMulForm.PER_ROW.ordinal()], chosen[i]));
        }
        return new Result(plan, target, worst, table, steps);
    }

    /**
     * The time of a MatMul in each form relative to per tensor, per weight element ({@link MatMulForm} order: float32, per
     * tensor, per row), from whole-model rates on all-MiniLM-L6-v2 (2 cores, AVX-512 VNNI: float32 125, per row 234, per
     * tensor 359 sentences/s); a rough guide for which move buys the most accuracy for its time.
     */
    static final double[] RELATIVE_COST = {3.0, 1.0, 1.5};

    /** A candidate move: an activation's MatMuls to another form, and the damage it removes per unit of cost. */
    private record Move(int unit, MatMulForm form, double gainPerCost) {}

    /** The forms cheaper than {@code form}, cheapest first. */
    private static List<MatMulForm> cheaperForms(MatMulForm form) {
        List<MatMulForm> cheaper = new ArrayList<>();
        for (MatMulForm candidate : new MatMulForm[] {MatMulForm.PER_TENSOR, MatMulForm.PER_ROW, MatMulForm.FLOAT32}) {
            if (RELATIVE_COST[candidate.ordinal()] < RELATIVE_COST[form.ordinal()]) {
                cheaper.add(candidate);
            }
        }
        return cheaper;
    }

}
