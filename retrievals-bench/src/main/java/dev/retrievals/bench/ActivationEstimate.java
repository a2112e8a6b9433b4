package dev.retrievals.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * What a training step of a BERT-shaped encoder keeps for its backward pass, from the shapes alone:
 * the activation estimate of Korthikanti et al. (2022, "Reducing Activation Recomputation in Large
 * Transformer Models", §4.1), counted for float32 and this project's dropout, which keeps a one-byte
 * keep mask (a product with a boolean array; libtorch's own CPU dropout would keep a float noise
 * array). Per token of one layer at sequence length {@code s}:
 *
 * <ul>
 *   <li>attention: the layer's input (read by the query, key and value projections), the scaled
 *       query, the key and the value (the batched products keep contiguous copies), the merged
 *       context (input of the output projection): {@code 5 × 4h} bytes; the softmax output and the
 *       dropped probabilities (input of the product with the values), {@code 2 × 4as}, and the
 *       dropout mask, {@code as};</li>
 *   <li>the attention block's dropout mask and the residual sum (input of its layer norm):
 *       {@code h + 4h};</li>
 *   <li>feed-forward: its input, the GELU input and the GELU output ({@code 4h + 2 × 4i}), the
 *       dropout mask and the residual sum ({@code h + 4h}).</li>
 * </ul>
 *
 * <p>That is {@code 34h + 8i + 9as} bytes a token a layer, plus {@code 5h} for the embeddings' sum
 * and dropout mask; {@code h} hidden width, {@code i} feed-forward width, {@code a} heads. With
 * activation checkpointing a step keeps instead each layer's input (and the last layer's output),
 * {@code 4h} a token a layer plus one, and its backward pass holds one layer of one forward pass at
 * a time ({@link #checkpointedStepBytes}).
 *
 * @param layers transformer layers
 * @param hidden hidden width
 * @param heads attention heads
 * @param intermediate feed-forward width
 */
record ActivationEstimate(int layers, int hidden, int heads, int intermediate) {

    /** From a probe's {@code model_shape}. */
    static ActivationEstimate of(JsonObject shape) {
        return new ActivationEstimate(shape.get("layers").getAsInt(), shape.get("hidden").getAsInt(), shape.get("heads").getAsInt(),
                shape.get("intermediate").getAsInt());
    }

    /** Bytes kept per token of one layer at sequence length {@code sequence}. */
    double bytesPerTokenPerLayer(int sequence) {
        return 34.0 * hidden + 8.0 * intermediate + 9.0 * heads * sequence;
    }

    /** Bytes kept for one forward pass over {@code texts} texts padded to {@code sequence} tokens. */
    double bytes(int texts, int sequence) {
        return (double) texts * sequence * (layers * bytesPerTokenPerLayer(sequence) + 5.0 * hidden);
    }

    /**
     * Bytes a step with activation checkpointing needs at its peak: every forward pass's kept layer
     * inputs ({@code 4h} a token, layers + 1 of them) plus the largest single layer of one forward pass,
     * which its backward pass runs again with the graph.
     */
    double checkpointedStepBytes(JsonArray step) {
        double kept = 0;
        double largestLayer = 0;
        for (JsonElement call : step) {
            JsonArray shape = call.getAsJsonArray();
            double tokens = (double) shape.get(0).getAsInt() * shape.get(1).getAsInt();
            kept += tokens * (layers + 1) * 4.0 * hidden;
            largestLayer = Math.max(largestLayer, tokens * bytesPerTokenPerLayer(shape.get(1).getAsInt()));
        }
        return kept + largestLayer;
    }

    /**
     * The step whose forward passes keep the most: a step's forward passes (one per text role) all
     * stay until its backward pass, so their bytes add up.
     *
     * @param steps {@code [[[texts, length], ...], ...]} as {@code BatchShapeRecorder} writes it
     */
    JsonArray largestStep(JsonArray steps) {
        JsonArray largest = new JsonArray();
        for (JsonElement step : steps) {
            if (stepBytes(step.getAsJsonArray()) > stepBytes(largest)) {
                largest = step.getAsJsonArray();
            }
        }
        return largest;
    }

    /** Bytes kept by one step's forward passes, {@code [[texts, length], ...]}. */
    double stepBytes(JsonArray step) {
        double total = 0;
        for (JsonElement call : step) {
            JsonArray shape = call.getAsJsonArray();
            total += bytes(shape.get(0).getAsInt(), shape.get(1).getAsInt());
        }
        return total;
    }

    /** A step's shapes as text: {@code 128 × 71 + 128 × 63}. */
    static String shapes(JsonArray step) {
        StringBuilder text = new StringBuilder();
        for (JsonElement call : step) {
            JsonArray shape = call.getAsJsonArray();
            text.append(text.length() == 0 ? "" : " + ").append(shape.get(0).getAsInt()).append(" × ").append(shape.get(1).getAsInt());
        }
        return text.toString();
    }
}
