package dev.retrievals.index.retriever;

import dev.retrievals.core.search.SearchCorpus;
import dev.retrievals.core.search.SearchHit;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact top-k search of one shard of a corpus, and the merge of several shards' results into the
 * corpus-wide top k. The {@code exact} retriever searches its whole corpus as one shard; a
 * distributed search (retrievals-spark) searches each shard where it lives and merges per query.
 * Scores are dot products of unit vectors summed in double; equal scores rank the lower document
 * position first, in a shard and in the merge, so sharding never changes the result.
 */
public final class ShardSearch {
    private ShardSearch() {}

    /**
     * The best {@code k} documents of {@code shard} for each query, best first.
     *
     * @param queries unit query vectors
     * @param shard the shard's documents, read {@code blockSize} vectors at a time
     * @param firstPosition the corpus position of the shard's first document, added to each hit
     * @param k hits per query (at most the shard's size are returned)
     * @param blockSize documents scored per block
     */
    public static List<List<SearchHit>> topK(float[][] queries, SearchCorpus shard, int firstPosition, int k, int blockSize) {
        int count = queries.length;
        int dimension = shard.dimension();
        List<List<SearchHit>> results = new ArrayList<>(count);
        if (shard.size() == 0) {
            for (int q = 0; q < count; q++) {
                results.add(List.of());
            }
            return results;
        }
        TopHits[] kept = new TopHits[count];
        for (int q = 0; q < count; q++) {
            kept[q] = new TopHits(Math.min(k, shard.size()));
        }
        float[] block = new float[Math.min(blockSize, shard.size()) * dimension];
        for (int start = 0; start < shard.size(); start += blockSize) {
            int documents = Math.min(blockSize, shard.size() - start);
            shard.vectors(start, documents, block);
            for (int d = 0; d < documents; d++) {
                int offset = d * dimension;
                for (int q = 0; q < count; q++) {
                    double score = ExactRetriever.dot(queries[q], block, offset);
                    if (score >= kept[q].threshold()) {
                        kept[q].offer(firstPosition + start + d, score);
                    }
                }
            }
        }
        for (TopHits hits : kept) {
            results.add(hits.sorted());
        }
        return results;
    }

    /** The best {@code k} of several shards' best-first hit lists for one query, best first (higher score, then lower position). */
    public static List<SearchHit> merge(List<List<SearchHit>> perShard, int k) {
        TopHits kept = new TopHits(Math.max(1, k));
        for (List<SearchHit> hits : perShard) {
            for (SearchHit hit : hits) {
                if (hit.score() < kept.threshold()) {
                    break; // best first: the rest of this shard cannot be kept either
                }
                kept.offer(hit.document(), hit.score());
            }
        }
        return kept.sorted();
    }
}
