package dev.retrievals.onnx;

import dev.retrievals.core.RetrievalsException;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * The {@link MatMulForm} of every linear MatMul of a graph, keyed by the name of its float weight initializer: what
 * {@link QuantizedMatMulOp#MIXED} quantizes (chosen by {@link MatMulPlanSearch}), recorded in the export's metadata
 * ({@value #META_PLAN}).
 *
 * @param forms the form of each MatMul, by weight name, in graph order
 */
public record MatMulPlan(Map<String, MatMulForm> forms) {
    /** Metadata: every MatMul's form, {@code weight=form} separated by commas. */
    public static final String META_PLAN = "retrievals.matmul_plan";

    /** Checks and copies the map (its order is kept). */
    public MatMulPlan {
        if (forms == null || forms.containsKey(null) || forms.containsValue(null)) {
            throw new RetrievalsException("MatMul plan " + forms + " has a null weight name or form; allowed forms: "
                    + java.util.Arrays.toString(MatMulForm.values()));
        }
        forms = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(forms));
    }

    /** Every named weight in the same form. */
    public static MatMulPlan uniform(Collection<String> weights, MatMulForm form) {
        Map<String, MatMulForm> forms = new LinkedHashMap<>();
        weights.forEach(weight -> forms.put(weight, form));
        return new MatMulPlan(forms);
    }

    /** The same plan with {@code weights} in {@code form}. */
    public MatMulPlan with(Collection<String> weights, MatMulForm form) {
        Map<String, MatMulForm> changed = new LinkedHashMap<>(forms);
        weights.forEach(weight -> changed.put(weight, form));
        return new MatMulPlan(changed);
    }

    /** The form of one MatMul's weight. */
    public MatMulForm formOf(String weight) {
        MatMulForm form = forms.get(weight);
        if (form == null) {
            throw new RetrievalsException("MatMul plan has no form for the MatMul weight '" + weight + "'; it lists " + forms.keySet());
        }
        return form;
    }

    /** How many MatMuls have each form, e.g. {@code per_tensor 18, per_row 6, float32 0}. */
    public String summary() {
        Map<MatMulForm, Long> counts = new EnumMap<>(MatMulForm.class);
        for (MatMulForm form : MatMulForm.values()) {
            counts.put(form, 0L);
        }
        counts.putAll(forms.values().stream().collect(Collectors.groupingBy(form -> form, () -> new EnumMap<>(MatMulForm.class),
                Collectors.counting())));
        StringJoiner text = new StringJoiner(", ");
        for (MatMulForm form : new MatMulForm[] {MatMulForm.PER_TENSOR, MatMulForm.PER_ROW, MatMulForm.FLOAT32}) {
            text.add(form.label() + " " + counts.get(form));
        }
        return text.toString();
    }

    /** The plan as one metadata value: {@code weight=form} separated by commas. */
    public String toMetadata() {
        return forms.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue().label()).collect(Collectors.joining(","));
    }
}
