package dev.retrievals.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReadingTest {
    static final Path DATA = SharedData.folder();

    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void jsonlRowsEqualTheLinesParsedOneByOne() throws Exception {
        Path file = DATA.resolve("sts-b-zh/train.jsonl");
        List<Map<String, Object>> rows = Dataset.fromJsonl(file).take(300).toList();
        List<String> lines;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines = reader.lines().limit(300).toList();
        }
        assertThat(rows).hasSize(300);
        for (int i = 0; i < rows.size(); i++) {
            JsonObject expected = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertThat(rows.get(i).get("sentence1")).isEqualTo(expected.get("sentence1").getAsString());
            assertThat(rows.get(i).get("sentence2")).isEqualTo(expected.get("sentence2").getAsString());
            assertThat(((Number) rows.get(i).get("score")).doubleValue()).isEqualTo(expected.get("score").getAsDouble());
        }
        assertThat(Dataset.fromJsonl(file).columnNames()).containsExactly("sentence1", "sentence2", "score");
    }

    @Test
    void listsNumbersAndByteOrderMarkAndCrLf() throws Exception {
        Path file = write("t.jsonl", "\uFEFF{\"query\": \"q\", \"pos\": [\"a\", \"b\"], \"n\": 3, \"x\": 2.5, \"ok\": true}\r\n"
                + "{\"query\": \"r\", \"pos\": [], \"n\": -1, \"x\": 1e3, \"ok\": false}\n");
        List<Map<String, Object>> rows = Dataset.fromJsonl(file).toList();
        assertThat(rows.get(0)).containsEntry("query", "q").containsEntry("pos", List.of("a", "b"))
                .containsEntry("n", 3L).containsEntry("x", 2.5).containsEntry("ok", true);
        assertThat(rows.get(1)).containsEntry("n", -1L).containsEntry("x", 1000.0).containsEntry("ok", false);
    }

    @Test
    void jsonArrayIsStreamed() throws Exception {
        Path file = write("t.json", "[\n {\"text\": \"a\", \"label\": \"x\"},\n {\"text\": \"b\", \"label\": 2}\n]\n");
        assertThat(Dataset.fromFile(file).toList())
                .containsExactly(Map.of("text", "a", "label", "x"), Map.of("text", "b", "label", 2L));
        Path lines = write("lines.json", "{\"text\": \"a\"}\n{\"text\": \"b\"}\n");
        assertThat(Dataset.fromFile(lines).toList()).containsExactly(Map.of("text", "a"), Map.of("text", "b"));
    }

    @Test
    void csvFollowsRfc4180Quoting() throws Exception {
        Path file = write("t.csv", "\uFEFFtext,label\r\n\"a, b\",x\n\"say \"\"hi\"\"\nthere\",y\nplain,z\n");
        List<Map<String, Object>> rows = Dataset.fromFile(file).toList();
        assertThat(rows).containsExactly(Map.of("text", "a, b", "label", "x"), Map.of("text", "say \"hi\"\nthere", "label", "y"),
                Map.of("text", "plain", "label", "z"));
    }

    @Test
    void headerlessTsvOfStsPairsWithQuotesAsText() throws Exception {
        Path file = write("sts.tsv", "他说\"你好\"\t你好\t4\nA man\tA \"woman\t0.5\n");
        Dataset pairs = Dataset.fromDelimited(file, DelimitedFormat.tsv().withoutHeader("sentence1", "sentence2", "score"))
                .validate(Map.of("score", ColumnType.NUMBER));
        List<Map<String, Object>> rows = pairs.toList();
        assertThat(rows.get(0)).containsEntry("sentence1", "他说\"你好\"").containsEntry("sentence2", "你好").containsEntry("score", 4.0);
        assertThat(rows.get(1)).containsEntry("sentence2", "A \"woman").containsEntry("score", 0.5);
        Path unnamed = write("plain.tsv", "a\tb\n");
        assertThat(Dataset.fromDelimited(unnamed, DelimitedFormat.tsv().withoutHeader()).columnNames())
                .containsExactly("column_1", "column_2");
    }

    @Test
    void columnOperationsFilterMapAndTake() throws Exception {
        Path file = DATA.resolve("triplets-stsb-zh-hardneg/train.jsonl");
        Dataset triplets = Dataset.fromJsonl(file).take(50);
        List<Map<String, Object>> original = triplets.toList();
        List<Map<String, Object>> renamed = triplets.renameColumn("query", "anchor").removeColumns("negative").toList();
        assertThat(renamed.get(0).keySet()).containsExactly("anchor", "positive");
        assertThat(renamed.get(7).get("anchor")).isEqualTo(original.get(7).get("query"));
        assertThat(triplets.selectColumns("negative", "query").columnNames()).containsExactly("negative", "query");

        List<Map<String, Object>> expected = new ArrayList<>();
        for (Map<String, Object> row : original) {
            if (((String) row.get("query")).length() > 10) {
                expected.add(Map.of("query", row.get("query"), "length", (long) ((String) row.get("query")).length()));
            }
        }
        List<Map<String, Object>> mapped = triplets.filter(row -> ((String) row.get("query")).length() > 10)
                .map(row -> Map.of("query", row.get("query"), "length", (long) ((String) row.get("query")).length()))
                .toList();
        assertThat(mapped).isEqualTo(expected);
    }

    @Test
    void shuffleIsASeededPermutationAndSplitIsDisjoint() throws Exception {
        Dataset rows = Dataset.fromJsonl(DATA.resolve("banking77/train.jsonl")).take(200);
        List<Map<String, Object>> original = rows.toList();
        List<Map<String, Object>> shuffled = rows.shuffle(7).toList();
        assertThat(shuffled).containsExactlyInAnyOrderElementsOf(original).isNotEqualTo(original);
        assertThat(rows.shuffle(7).toList()).isEqualTo(shuffled);
        assertThat(rows.shuffle(8).toList()).isNotEqualTo(shuffled);

        DatasetSplit split = rows.trainTestSplit(0.15, 1);
        List<Map<String, Object>> test = split.test().toList();
        List<Map<String, Object>> train = split.train().toList();
        assertThat(test).hasSize(30); // ceil(0.15 * 200)
        assertThat(train).hasSize(170);
        List<Map<String, Object>> both = new ArrayList<>(train);
        both.addAll(test);
        assertThat(both).containsExactlyInAnyOrderElementsOf(original);
    }

    /** An endless JSONL stream: only a lazy reader can take rows from it. */
    @Test
    void readingIsLazy() {
        Dataset endless = Dataset.fromJsonl("endless", () -> new InputStream() {
            private final byte[] line = "{\"text\": \"again and again\"}\n".getBytes(StandardCharsets.UTF_8);
            private long position;

            @Override
            public int read() {
                return line[(int) (position++ % line.length)];
            }
        });
        assertThat(endless.take(1000).toList()).hasSize(1000).allMatch(row -> row.equals(Map.of("text", "again and again")));
        try (var stream = endless.stream()) {
            assertThat(stream.skip(10).findFirst()).contains(Map.of("text", "again and again"));
        }
    }

    @Test
    void inMemoryRowsAreCopied() {
        List<Map<String, Object>> rows = new ArrayList<>(List.of(Map.of("text", "a")));
        Dataset dataset = Dataset.fromRows(rows);
        rows.clear();
        assertThat(dataset.toList()).containsExactly(Map.of("text", "a"));
        assertThat(Dataset.fromJsonl("empty", () -> new ByteArrayInputStream(new byte[0])).columnNames()).isEmpty();
    }
}
