package dev.retrievals.losses;

import dev.retrievals.core.loss.Loss;
import dev.retrievals.core.loss.LossInputException;
import dev.retrievals.core.loss.LossInputs;
import ai.djl.ndarray.NDArray;
import java.util.Set;

/**
 * List-wise softmax cross-entropy over a group: a query's positive and its {@code n} negatives are
 * scored by the reranker, and the positive's logit should win the softmax over the group, as
 * FlagEmbedding's reranker trains ({@code CrossEntropyLoss} on logits grouped
 * {@code [batch, train_group_size]}, target 0):
 *
 * <pre>loss = mean over rows i of  log Σ_j e^{x_ij} − x_i0</pre>
 *
 * <p><b>Inputs</b>
 *
 * <table>
 *   <caption>Inputs</caption>
 *   <tr><th>role</th><th>shape</th></tr>
 *   <tr><td>{@code logits}</td><td>{@code [batch, 1 + n]}, {@code n >= 1}: the positive's logit first, then the negatives'</td></tr>
 * </table>
 *
 * <p><b>Requirements</b>: a cross-encoder; groups of one positive and hard negatives (the
 * {@code rerank_group} collator over {@code query}/{@code pos}/{@code neg} rows, as {@code retrievals mine} writes them).
 *
 * <p><b>Relations</b>: {@link BinaryCrossEntropy} scores each pair alone; {@link InfoNCE} is the
 * same softmax over a bi-encoder's similarities.
 *
 * <p><b>References</b>: FlagEmbedding {@code FlagEmbedding/abc/finetune/reranker/AbsModeling.py};
 * L. Gao et al., "Rethink Training of BERT Rerankers in Multi-Stage Retrieval Pipeline", arXiv:2101.08751.
 */
public final class ListwiseCrossEntropy implements Loss {
    /** The plugin name. */
    public static final String NAME = "listwise_ce";
    static final String OWNER = LossMath.owner(NAME);

    private ListwiseCrossEntropy() {}

    /** The loss. */
    public static ListwiseCrossEntropy create() {
        return new ListwiseCrossEntropy();
    }

    @Override
    public Set<String> requiredInputs() {
        return Set.of(LossInputs.LOGITS);
    }

    @Override
    public NDArray forward(LossInputs inputs) {
        NDArray logits = LossMath.pairLogits(inputs, OWNER);
        long group = logits.getShape().get(1);
        if (group < 2) {
            throw new LossInputException(OWNER + " needs a group of one positive and n >= 1 negatives per query ([batch, 1 + n] logits,"
                    + " for example the rerank_group collator with train_group_size >= 2); got " + group + " pair per row");
        }
        return LossMath.crossEntropy(logits, new int[Math.toIntExact(logits.getShape().get(0))], 0);
    }

    @Override
    public String toString() {
        return "ListwiseCrossEntropy[]";
    }
}
