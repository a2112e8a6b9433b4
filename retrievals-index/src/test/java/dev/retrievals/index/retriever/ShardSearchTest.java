package dev.retrievals.index.retriever;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.search.SearchHit;
import dev.retrievals.core.search.Vectors;
import dev.retrievals.index.store.InMemoryCorpus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardSearchTest {
    @Test
    void mergedShardsGiveTheBruteForceTopKWithTiesToTheLowerPosition() {
        Random random = new Random(3);
        int documents = 200;
        float[][] corpus = new float[documents][];
        for (int d = 0; d < documents; d++) {
            // every fourth document repeats an earlier one, so equal scores meet across shards
            corpus[d] = d % 4 == 3 ? corpus[d - 3 - 4 * random.nextInt(Math.max(1, d / 8))] : Vectors.unit(randomVector(random, 8));
        }
        float[][] queries = new float[5][];
        for (int q = 0; q < queries.length; q++) {
            queries[q] = Vectors.unit(randomVector(random, 8));
        }
        int k = 17;
        int[] bounds = {0, 70, 71, 140, 200}; // one shard of a single document
        List<List<List<SearchHit>>> perShard = new ArrayList<>();
        for (int s = 0; s + 1 < bounds.length; s++) {
            float[][] shard = Arrays.copyOfRange(corpus, bounds[s], bounds[s + 1]);
            perShard.add(ShardSearch.topK(queries, InMemoryCorpus.ofUnitVectors(shard), bounds[s], k, 16));
        }
        for (int q = 0; q < queries.length; q++) {
            List<List<SearchHit>> lists = new ArrayList<>();
            for (List<List<SearchHit>> shard : perShard) {
                lists.add(shard.get(q));
            }
            List<SearchHit> merged = ShardSearch.merge(lists, k);

            List<Integer> expected = new ArrayList<>();
            double[] scores = new double[documents];
            for (int d = 0; d < documents; d++) {
                expected.add(d);
                for (int i = 0; i < 8; i++) {
                    scores[d] += (double) queries[q][i] * corpus[d][i];
                }
            }
            expected.sort(Comparator.comparingDouble((Integer d) -> -scores[d]).thenComparingInt(d -> d));
            assertThat(merged).extracting(SearchHit::document).containsExactlyElementsOf(expected.subList(0, k));
            for (SearchHit hit : merged) {
                assertThat(hit.score()).isCloseTo(scores[hit.document()], org.assertj.core.data.Offset.offset(1e-12));
            }
            assertThat(merged).isEqualTo(ShardSearch.topK(new float[][] {queries[q]}, InMemoryCorpus.ofUnitVectors(corpus), 0, k, 64)
                    .get(0));
        }
    }

    private static float[] randomVector(Random random, int dimension) {
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            vector[i] = (float) random.nextGaussian();
        }
        return vector;
    }
}
