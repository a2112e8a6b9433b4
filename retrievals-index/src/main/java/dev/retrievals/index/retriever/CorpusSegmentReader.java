package dev.retrievals.index.retriever;

import dev.retrievals.core.search.SearchCorpus;
import java.io.IOException;
import java.util.HashMap;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.Fields;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.LeafMetaData;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.StoredFieldVisitor;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.TermVectors;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.VectorScorer;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.Version;

/**
 * A corpus's vectors seen by Lucene as one segment that is not on disk: document {@code i} is
 * corpus position {@code i}, with the vector field and the {@value LuceneIndexFolder#POSITION}
 * doc value {@code i}. {@code IndexWriter.addIndexes} merges it into the index, so the whole HNSW
 * graph is built by one merge, which the vectors format may spread over several threads. Vectors
 * are read from the corpus as the merge asks for them (nothing is buffered on the heap) and checked
 * to be finite.
 */
final class CorpusSegmentReader extends LeafReader {
    private final SearchCorpus corpus;
    private final String vectorField;
    private final FieldInfos fieldInfos;

    CorpusSegmentReader(SearchCorpus corpus, String vectorField, VectorSimilarityFunction similarity) {
        this.corpus = corpus;
        this.vectorField = vectorField;
        this.fieldInfos = new FieldInfos(new FieldInfo[] {
            new FieldInfo(vectorField, 0, false, false, false, IndexOptions.NONE, DocValuesType.NONE, -1, new HashMap<>(), 0, 0, 0,
                    corpus.dimension(), VectorEncoding.FLOAT32, similarity, false, false),
            new FieldInfo(LuceneIndexFolder.POSITION, 1, false, false, false, IndexOptions.NONE, DocValuesType.NUMERIC, -1,
                    new HashMap<>(), 0, 0, 0, 0, VectorEncoding.FLOAT32, VectorSimilarityFunction.EUCLIDEAN, false, false)});
    }

    @Override
    public FloatVectorValues getFloatVectorValues(String field) {
        return field.equals(vectorField) ? new CorpusVectors() : null;
    }

    @Override
    public NumericDocValues getNumericDocValues(String field) {
        return field.equals(LuceneIndexFolder.POSITION) ? new Positions() : null;
    }

    @Override
    public FieldInfos getFieldInfos() {
        return fieldInfos;
    }

    @Override
    public int numDocs() {
        return corpus.size();
    }

    @Override
    public int maxDoc() {
        return corpus.size();
    }

    @Override
    public Bits getLiveDocs() {
        return null;
    }

    @Override
    public LeafMetaData getMetaData() {
        return new LeafMetaData(Version.LATEST.major, Version.LATEST, null, false);
    }

    @Override
    public StoredFields storedFields() {
        return new StoredFields() {
            @Override
            public void document(int docID, StoredFieldVisitor visitor) {
                // no stored fields
            }
        };
    }

    @Override
    public TermVectors termVectors() {
        return new TermVectors() {
            @Override
            public Fields get(int doc) {
                return null;
            }
        };
    }

    @Override
    public Fields getTermVectors(int docID) {
        return null;
    }

    @Override
    public void document(int docID, StoredFieldVisitor visitor) {
        // no stored fields
    }

    @Override
    public Terms terms(String field) {
        return null;
    }

    @Override
    public BinaryDocValues getBinaryDocValues(String field) {
        return null;
    }

    @Override
    public SortedDocValues getSortedDocValues(String field) {
        return null;
    }

    @Override
    public SortedNumericDocValues getSortedNumericDocValues(String field) {
        return null;
    }

    @Override
    public SortedSetDocValues getSortedSetDocValues(String field) {
        return null;
    }

    @Override
    public NumericDocValues getNormValues(String field) {
        return null;
    }

    @Override
    public ByteVectorValues getByteVectorValues(String field) {
        return null;
    }

    @Override
    public void searchNearestVectors(String field, float[] target, KnnCollector knnCollector, Bits acceptDocs) {
        throw new UnsupportedOperationException("the corpus segment is only merged, never searched");
    }

    @Override
    public void searchNearestVectors(String field, byte[] target, KnnCollector knnCollector, Bits acceptDocs) {
        throw new UnsupportedOperationException("the corpus segment is only merged, never searched");
    }

    @Override
    public PointValues getPointValues(String field) {
        return null;
    }

    @Override
    public void checkIntegrity() {
        // the vectors are checked as they are read
    }

    @Override
    public CacheHelper getCoreCacheHelper() {
        return null;
    }

    @Override
    public CacheHelper getReaderCacheHelper() {
        return null;
    }

    @Override
    protected void doClose() {
        // the corpus belongs to the caller
    }

    /** Moves through the documents {@code 0 … size-1}, every one present. */
    private final class AllDocs extends DocIdSetIterator {
        int doc = -1;

        @Override
        public int docID() {
            return doc;
        }

        @Override
        public int nextDoc() {
            return advance(doc + 1);
        }

        @Override
        public int advance(int target) {
            doc = target >= corpus.size() ? NO_MORE_DOCS : target;
            return doc;
        }

        @Override
        public long cost() {
            return corpus.size();
        }
    }

    /** The corpus vectors, one document after the other, each checked to be finite. */
    private final class CorpusVectors extends FloatVectorValues {
        private final AllDocs docs = new AllDocs();
        private final float[] vector = new float[corpus.dimension()];
        private int read = -1;

        @Override
        public int dimension() {
            return vector.length;
        }

        @Override
        public int size() {
            return corpus.size();
        }

        @Override
        public float[] vectorValue() throws IOException {
            int position = docs.docID();
            if (read != position) {
                corpus.vectors(position, 1, vector);
                for (int j = 0; j < vector.length; j++) {
                    if (!Float.isFinite(vector[j])) {
                        throw new IllegalArgumentException("corpus vector " + position + " (id " + corpus.id(position)
                                + ") has the non-finite value " + vector[j] + " at dimension " + j + "; expected finite values");
                    }
                }
                read = position;
            }
            return vector;
        }

        @Override
        public VectorScorer scorer(float[] query) {
            throw new UnsupportedOperationException("the corpus segment is only merged, never searched");
        }

        @Override
        public int docID() {
            return docs.docID();
        }

        @Override
        public int nextDoc() {
            return docs.nextDoc();
        }

        @Override
        public int advance(int target) {
            return docs.advance(target);
        }
    }

    /** Each document's corpus position, which is its document number here. */
    private final class Positions extends NumericDocValues {
        private final AllDocs docs = new AllDocs();

        @Override
        public long longValue() {
            return docs.docID();
        }

        @Override
        public boolean advanceExact(int target) {
            docs.advance(target);
            return true;
        }

        @Override
        public int docID() {
            return docs.docID();
        }

        @Override
        public int nextDoc() {
            return docs.nextDoc();
        }

        @Override
        public int advance(int target) {
            return docs.advance(target);
        }

        @Override
        public long cost() {
            return docs.cost();
        }
    }
}
