package dev.retrievals.spark;

import dev.retrievals.core.search.SearchHit;
import dev.retrievals.index.retriever.ShardSearch;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One query's best candidates from one or more corpus shards, best first: each candidate's corpus
 * position, its ranking score (the exact retriever's), its cosine score (the miner's) and its text
 * hash. Shards' lists merge with {@link ShardSearch#merge}, so the result equals one search of the
 * whole corpus.
 */
final class ShardHits implements Serializable {
    private static final long serialVersionUID = 1L;
    final int[] positions;
    final double[] rankScores;
    final double[] scores;
    final long[] hashes;

    ShardHits(int[] positions, double[] rankScores, double[] scores, long[] hashes) {
        this.positions = positions;
        this.rankScores = rankScores;
        this.scores = scores;
        this.hashes = hashes;
    }

    /** The hits as the retriever's search hits, best first. */
    List<SearchHit> hits() {
        List<SearchHit> hits = new ArrayList<>(positions.length);
        for (int i = 0; i < positions.length; i++) {
            hits.add(new SearchHit(positions[i], rankScores[i]));
        }
        return hits;
    }

    /** The best {@code k} of two shards' lists. */
    static ShardHits merge(ShardHits a, ShardHits b, int k) {
        List<SearchHit> merged = ShardSearch.merge(List.of(a.hits(), b.hits()), k);
        Map<Integer, Integer> fromA = index(a);
        Map<Integer, Integer> fromB = index(b);
        int n = merged.size();
        ShardHits result = new ShardHits(new int[n], new double[n], new double[n], new long[n]);
        for (int i = 0; i < n; i++) {
            int position = merged.get(i).document();
            Integer at = fromA.get(position);
            ShardHits source = at != null ? a : b;
            int j = at != null ? at : fromB.get(position);
            result.positions[i] = position;
            result.rankScores[i] = source.rankScores[j];
            result.scores[i] = source.scores[j];
            result.hashes[i] = source.hashes[j];
        }
        return result;
    }

    private static Map<Integer, Integer> index(ShardHits hits) {
        Map<Integer, Integer> index = new HashMap<>();
        for (int i = 0; i < hits.positions.length; i++) {
            index.put(hits.positions[i], i);
        }
        return index;
    }
}
