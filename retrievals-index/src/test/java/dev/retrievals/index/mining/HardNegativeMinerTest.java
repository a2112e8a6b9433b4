package dev.retrievals.index.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.retrievals.core.data.DataException;
import dev.retrievals.core.rerank.PairScorer;
import dev.retrievals.index.retriever.Bm25Retriever;
import dev.retrievals.index.store.ForwardingEncoder;
import dev.retrievals.index.store.VectorTextEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The miner on toy corpora whose answers are known by hand: every text spells a 2-d unit vector
 * whose cosine with the query {@code (1, 0)} is chosen here, so each candidate's score and rank is
 * known before mining.
 */
class HardNegativeMinerTest {
    private static final String QUERY = "v 1 0";
    /** Candidate names and their cosines with the query, best first. */
    private static final Map<String, Double> CANDIDATES = new LinkedHashMap<>();

    static {
        String[] names = {"A", "B", "C", "D", "E", "F", "G", "H"};
        double[] cosines = {0.99, 0.97, 0.93, 0.90, 0.80, 0.70, 0.50, 0.20};
        for (int i = 0; i < names.length; i++) {
            CANDIDATES.put(names[i], cosines[i]);
        }
    }

    @TempDir
    Path dir;

    /** The text of a unit vector at this cosine with the query, with a word that names it. */
    private static String text(double cosine) {
        return String.format(Locale.ROOT, "v %s %s", (float) cosine, (float) Math.sqrt(1 - cosine * cosine));
    }

    private static String name(String text) {
        for (Map.Entry<String, Double> entry : CANDIDATES.entrySet()) {
            if (text(entry.getValue()).equals(text)) {
                return entry.getKey();
            }
        }
        return text;
    }

    /** A pairs file (one query, positive at cosine 0.95) and a corpus file of the candidates. */
    private MiningInput toyPairs() throws IOException {
        Path pairs = dir.resolve("pairs.jsonl");
        Files.writeString(pairs, "{\"query\": \"" + QUERY + "\", \"positive\": \"" + text(0.95) + "\"}\n");
        StringBuilder corpus = new StringBuilder();
        CANDIDATES.forEach((name, cosine) -> corpus.append("{\"id\": \"").append(name).append("\", \"text\": \"").append(text(cosine))
                .append("\"}\n"));
        Files.writeString(dir.resolve("corpus.jsonl"), corpus);
        return MiningInput.pairs(pairs).corpus(dir.resolve("corpus.jsonl"));
    }

    private static List<JsonObject> rows(Path file) throws IOException {
        List<JsonObject> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            rows.add(JsonParser.parseString(line).getAsJsonObject());
        }
        return rows;
    }

    private static HardNegativeMiner.Builder miner() {
        return HardNegativeMiner.builder(new VectorTextEncoder(2), "toy").batchSize(3);
    }

    private List<String> negatives(HardNegativeMiner miner, MiningInput input, String output) throws IOException {
        Path file = dir.resolve(output);
        miner.mine(input, file);
        return rows(file).stream().map(row -> name(row.get("negative").getAsString())).toList();
    }

    @Test
    void theRankWindowSkipsRangeMinAndStopsBeforeRangeMax() throws IOException {
        // ranks after removing the positive: A0 B1 C2 D3 E4 …; window [1, 4) = B C D; top 2 = B C
        assertThat(negatives(miner().rangeMin(1).rangeMax(4).numNegatives(2).build(), toyPairs(), "window.jsonl")).containsExactly("B", "C");
        // the default window is range_min + num_negatives: the best three
        assertThat(negatives(miner().numNegatives(3).build(), toyPairs(), "default.jsonl")).containsExactly("A", "B", "C");
    }

    @Test
    void marginsAndScoreBoundsDropWhatTheyShouldAndCountIt() throws IOException {
        // absolute 0.03 against the positive's 0.95: a negative must score <= 0.92, so A B C go
        Path absolute = dir.resolve("absolute.jsonl");
        MiningSummary summary = miner().absoluteMargin(0.03).numNegatives(3).includeScores(true).build().mine(toyPairs(), absolute);
        assertThat(rows(absolute).stream().map(row -> name(row.get("negative").getAsString()))).containsExactly("D", "E", "F");
        assertThat(summary.drops()).containsEntry("absolute_margin", 3L).containsEntry("positive_text", 0L);
        assertThat(rows(absolute).get(0).get("positive_score").getAsDouble()).isCloseTo(0.95, Offset.offset(1e-6));
        assertThat(rows(absolute).get(0).get("negative_score").getAsDouble()).isCloseTo(0.90, Offset.offset(1e-6));

        // relative 0.1: a negative must score <= 0.95 * 0.9 = 0.855, so A B C D go
        Path relative = dir.resolve("relative.jsonl");
        summary = miner().relativeMargin(0.1).numNegatives(3).build().mine(toyPairs(), relative);
        assertThat(rows(relative).stream().map(row -> name(row.get("negative").getAsString()))).containsExactly("E", "F", "G");
        assertThat(summary.drops()).containsEntry("relative_margin", 4L);

        // scores in [0.6, 0.92]: A B C above, G H below
        Path bounded = dir.resolve("bounded.jsonl");
        summary = miner().maxScore(0.92).minScore(0.6).numNegatives(5).build().mine(toyPairs(), bounded);
        assertThat(rows(bounded).stream().map(row -> name(row.get("negative").getAsString()))).containsExactly("D", "E", "F");
        assertThat(summary.drops()).containsEntry("max_score", 3L).containsEntry("min_score", 2L);
        assertThat(summary.queries()).isEqualTo(1);
        assertThat(summary.negativeScores().count()).isEqualTo(3);
        assertThat(summary.negativeScores().mean()).isCloseTo((0.9 + 0.8 + 0.7) / 3, Offset.offset(1e-6));
        assertThat(summary.differences().min()).isCloseTo(0.95 - 0.9, Offset.offset(1e-6));
    }

    @Test
    void seededRandomSamplingDrawsFromTheWindowAndRepeatsWithTheSeed() throws IOException {
        List<List<String>> draws = new ArrayList<>();
        for (long seed : new long[] {1, 1, 2, 3, 4, 5}) {
            List<String> drawn = negatives(miner().samplingStrategy("random").seed(seed).rangeMax(6).numNegatives(3).build(), toyPairs(),
                    "random-" + draws.size() + ".jsonl");
            assertThat(drawn).hasSize(3).doesNotHaveDuplicates();
            assertThat(List.of("A", "B", "C", "D", "E", "F")).containsAll(drawn);
            // best first, as sentence-transformers re-sorts its random draws
            assertThat(drawn).isSortedAccordingTo((a, b) -> Double.compare(CANDIDATES.get(b), CANDIDATES.get(a)));
            draws.add(drawn);
        }
        assertThat(draws.get(0)).isEqualTo(draws.get(1));
        assertThat(draws.subList(1, draws.size()).stream().distinct().count()).as("other seeds draw other sets").isGreaterThan(1);
    }

    /** A BEIR folder: query q1 has positives P1 (0.95) and P2 (0.85); P1-copy repeats P1's text; B-copy repeats B's. */
    private Path toyBeir() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("beir"));
        Files.createDirectories(folder.resolve("qrels"));
        StringBuilder corpus = new StringBuilder();
        Map<String, Double> documents = new LinkedHashMap<>(CANDIDATES);
        documents.put("P1", 0.95);
        documents.put("P2", 0.85);
        documents.put("P1-copy", 0.95);
        documents.put("B-copy", 0.97);
        documents.forEach((id, cosine) -> corpus.append("{\"_id\": \"").append(id).append("\", \"title\": \"\", \"text\": \"")
                .append(text(cosine)).append("\"}\n"));
        Files.writeString(folder.resolve("corpus.jsonl"), corpus);
        Files.writeString(folder.resolve("queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"" + QUERY + "\"}\n"
                + "{\"_id\": \"q2\", \"text\": \"v 0 1\"}\n{\"_id\": \"q3\", \"text\": \"v 1 1\"}\n");
        Files.writeString(folder.resolve("qrels/train.tsv"), "query-id\tcorpus-id\tscore\nq1\tP1\t1\nq1\tP2\t2\nq3\tH\t0\n");
        return folder;
    }

    @Test
    void severalPositivesAreNeverNegativesAndDuplicatesAndCopiesOfPositivesAreDropped() throws IOException {
        Path output = dir.resolve("flag.jsonl");
        MiningSummary summary = miner().numNegatives(4).rangeMax(8).format(OutputFormat.FLAG).build().mine(MiningInput.beir(toyBeir(), "train"), output);
        List<JsonObject> rows = rows(output);
        assertThat(rows).hasSize(1);
        JsonObject row = rows.get(0);
        assertThat(row.get("query").getAsString()).isEqualTo(QUERY);
        assertThat(row.getAsJsonArray("pos")).hasSize(2);
        List<String> negatives = new ArrayList<>();
        row.getAsJsonArray("neg").forEach(element -> negatives.add(name(element.getAsString())));
        // ranked: A B (B-copy dropped as a duplicate) C (P1, P1-copy, P2 dropped) D
        assertThat(negatives).containsExactly("A", "B", "C", "D");
        assertThat(row.getAsJsonArray("neg_scores").get(0).getAsDouble()).isCloseTo(0.99, Offset.offset(1e-6));
        assertThat(row.getAsJsonArray("pos_scores").get(1).getAsDouble()).isCloseTo(0.85, Offset.offset(1e-6));
        assertThat(summary.drops()).containsEntry("positive_id", 2L).containsEntry("positive_text", 1L)
                .containsEntry("duplicate_text", 1L).containsEntry("queries_without_positive", 1L);
        assertThat(summary.queriesWithoutQrels()).as("q2 is not judged in train").isEqualTo(1);

        // margins use the lowest positive (0.85): absolute 0 keeps only scores <= 0.85
        Path margin = dir.resolve("margin.jsonl");
        miner().numNegatives(2).absoluteMargin(0).format(OutputFormat.NTUPLE).build().mine(MiningInput.beir(toyBeir(), "train"), margin);
        List<JsonObject> tuples = rows(margin);
        assertThat(tuples).hasSize(2); // one row per positive
        assertThat(tuples).allSatisfy(tuple -> {
            assertThat(name(tuple.get("negative_1").getAsString())).isEqualTo("E");
            assertThat(name(tuple.get("negative_2").getAsString())).isEqualTo("F");
        });
    }

    @Test
    void aTeachersScoresDecideTheWindowAndAreWrittenOut() throws IOException {
        // the teacher sees each vector's components swapped for texts of candidates D and E, so it
        // scores D 0.436 and E 0.6 (their sines) while the model scores them 0.90 and 0.80
        ForwardingEncoder teacher = new ForwardingEncoder(new VectorTextEncoder(2), text -> {
            if (text.equals(text(0.90)) || text.equals(text(0.80))) {
                String[] parts = text.split(" ");
                return "v " + parts[2] + " " + parts[1];
            }
            return text;
        });
        Path output = dir.resolve("teacher.jsonl");
        MiningSummary summary = miner().teacher(teacher).minScore(0.65).numNegatives(8).rangeMax(8).build().mine(toyPairs(), output);
        List<JsonObject> rows = rows(output);
        assertThat(rows.stream().map(row -> name(row.get("negative").getAsString()))).containsExactly("A", "B", "C", "F");
        assertThat(summary.drops()).containsEntry("min_score", 4L); // D, E (by the teacher) and G, H
        assertThat(summary.scoredBy()).isEqualTo("teacher");
        assertThat(rows.get(0).get("negative_score").getAsDouble()).isCloseTo(0.99, Offset.offset(1e-6));
    }

    /** A reranker-like teacher: it reads each (query, document) pair's vectors and scores their cosine times 10, as logits. */
    static final class TenTimesCosine implements PairScorer {
        final List<String> seen = new ArrayList<>();

        @Override
        public float[] score(List<String> queries, List<String> documents) {
            float[] scores = new float[queries.size()];
            for (int i = 0; i < scores.length; i++) {
                String[] q = queries.get(i).split(" ");
                String[] d = documents.get(i).split(" ");
                double dot = Double.parseDouble(q[1]) * Double.parseDouble(d[1]) + Double.parseDouble(q[2]) * Double.parseDouble(d[2]);
                scores[i] = (float) (10 * dot);
                seen.add(documents.get(i));
            }
            return scores;
        }

        @Override
        public void close() {}
    }

    @Test
    void aRerankerTeachersPairScoresDecideTheWindowAndAreWrittenOut() throws IOException {
        TenTimesCosine teacher = new TenTimesCosine();
        Path output = dir.resolve("pair-teacher.jsonl");
        MiningSummary summary = miner().teacher(teacher).minScore(6.5).numNegatives(8).rangeMax(8).build().mine(toyPairs(), output);
        List<JsonObject> rows = rows(output);
        assertThat(rows.stream().map(row -> name(row.get("negative").getAsString()))).containsExactly("A", "B", "C", "D", "E", "F");
        assertThat(summary.drops()).containsEntry("min_score", 2L); // G (5.0) and H (2.0) in the teacher's units
        assertThat(summary.scoredBy()).isEqualTo("teacher");
        assertThat(rows.get(0).get("negative_score").getAsDouble()).isCloseTo(9.9, Offset.offset(1e-5));
        assertThat(rows.get(0).get("positive_score").getAsDouble()).isCloseTo(9.5, Offset.offset(1e-5));
        assertThat(teacher.seen).contains(text(0.95), text(0.99));
    }

    @Test
    void aLexicalRetrieverChoosesTheCandidatesAndTheModelScoresThem() throws IOException {
        Path pairs = dir.resolve("words.jsonl");
        Files.writeString(pairs, "{\"query\": \"v 1 0 cats\", \"positive\": \"v 0.95 0.3122499 cats purr\"}\n");
        Files.writeString(dir.resolve("words-corpus.jsonl"), "{\"text\": \"v 0.99 0.14106736 dogs\"}\n{\"text\": \"v 0.5 0.8660254 cats\"}\n");
        ForwardingEncoder model = new ForwardingEncoder(new VectorTextEncoder(2), text -> text.replaceAll(" [a-z]+", ""));
        Path output = dir.resolve("bm25.jsonl");
        HardNegativeMiner.builder(model, "words").retriever(Bm25Retriever.withAnalyzer("standard")).numNegatives(1).includeScores(true)
                .build().mine(MiningInput.pairs(pairs).corpus(dir.resolve("words-corpus.jsonl")), output);
        JsonObject row = rows(output).get(0);
        // BM25 ranks the other "cats" document first, though the model scores "dogs" higher
        assertThat(row.get("negative").getAsString()).endsWith("cats");
        assertThat(row.get("negative_score").getAsDouble()).isCloseTo(0.5, Offset.offset(1e-6));
    }

    @Test
    void badInputGetsOneClearLineAndNothingIsWritten() throws IOException {
        MiningInput input = toyPairs();
        Path existing = Files.writeString(dir.resolve("existing.jsonl"), "keep");
        assertThatThrownBy(() -> miner().build().mine(input, existing)).hasMessageContaining("Output " + existing + " exists");
        assertThat(Files.readString(existing)).isEqualTo("keep");

        Path wrongColumns = Files.writeString(dir.resolve("anchors.jsonl"), "{\"anchor\": \"v 1 0\", \"positive\": \"v 0 1\"}\n");
        assertThatThrownBy(() -> miner().build().mine(MiningInput.pairs(wrongColumns), dir.resolve("out1.jsonl")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(wrongColumns + " line 1: column 'query' not found; columns present: [anchor, positive]");
        miner().build().mine(MiningInput.pairs(wrongColumns).columns("anchor", "positive").corpus(dir.resolve("corpus.jsonl")),
                dir.resolve("mapped.jsonl"));
        assertThat(rows(dir.resolve("mapped.jsonl"))).isNotEmpty();

        Path emptyCorpus = Files.writeString(dir.resolve("empty-corpus.jsonl"), "");
        Path emptyPairs = Files.writeString(dir.resolve("empty.jsonl"), "");
        assertThatThrownBy(() -> miner().build().mine(MiningInput.pairs(emptyPairs).corpus(emptyCorpus), dir.resolve("out2.jsonl")))
                .hasMessageContaining(emptyPairs + " has no rows");

        Path beir = toyBeir();
        Files.writeString(beir.resolve("qrels/train.tsv"), "query-id\tcorpus-id\tscore\nq1\tP1\t1\nq1\tmissing-doc\t1\n");
        assertThatThrownBy(() -> miner().build().mine(MiningInput.beir(beir, "train"), dir.resolve("out3.jsonl")))
                .hasMessageContaining("train.tsv names corpus-id 'missing-doc' for query 'v 1 0', but ")
                .hasMessageEndingWith("corpus.jsonl has no such document");
        assertThatThrownBy(() -> miner().build().mine(MiningInput.beir(beir, "dev"), dir.resolve("out4.jsonl")))
                .hasMessageContaining("No qrels for split 'dev'").hasMessageContaining("splits present: [train]");
        assertThatThrownBy(() -> miner().rangeMin(5).rangeMax(5).build()).hasMessageContaining("Option 'range_max'");
        assertThatThrownBy(() -> miner().relativeMargin(1)).hasMessageContaining("Option 'relative_margin'");
        assertThatThrownBy(() -> miner().samplingStrategy("hardest")).hasMessageContaining("Option 'sampling_strategy'");

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(path -> path.getFileName().toString()).filter(name -> name.startsWith("out") || name.contains("partial")))
                    .isEmpty();
        }
    }
}
