package dev.retrievals.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetErrorsTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String name, byte[] content) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    private static DataException failure(Dataset dataset) {
        try {
            dataset.toList();
        } catch (DataException expected) {
            return expected;
        }
        throw new AssertionError("expected a DataException from " + dataset);
    }

    @Test
    void malformedJsonLineNamesFileLineAndSnippet() throws Exception {
        Path file = write("bad.jsonl", "{\"text\": \"fine\"}\n{\"text\": \"broken\", \n{\"text\": \"also fine\"}\n");
        DataException error = failure(Dataset.fromJsonl(file));
        assertThat(error.problem()).isEqualTo(DataProblem.MALFORMED);
        assertThat(error.getMessage()).contains(file.toString() + " line 2").contains("malformed JSON")
                .contains("{\"text\": \"broken\",");
        assertThat(failure(Dataset.fromJsonl(write("arr.jsonl", "[1, 2]\n"))).getMessage())
                .contains("line 1").contains("expected a JSON object, found an array");
        assertThat(failure(Dataset.fromJsonl(write("lenient.jsonl", "{text: 'unquoted'}\n"))).getMessage())
                .contains("line 1").contains("malformed JSON");
        assertThat(failure(Dataset.fromJsonl(write("trailing.jsonl", "{\"a\": 1} {\"b\": 2}\n"))).getMessage())
                .contains("line 1").contains("more text after the JSON value");
    }

    @Test
    void invalidUtf8NamesLineAndBytes() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write("{\"text\": \"ok\"}\n{\"text\": \"caf".getBytes(StandardCharsets.UTF_8));
        bytes.write(new byte[] {(byte) 0xE9, '"', '}', '\n'}); // Latin-1 é, not UTF-8
        Path file = write("latin1.jsonl", bytes.toByteArray());
        DataException error = failure(Dataset.fromJsonl(file));
        assertThat(error.problem()).isEqualTo(DataProblem.INVALID_ENCODING);
        assertThat(error.getMessage()).contains(file + " line 2").contains("invalid UTF-8 at byte 13").contains("E9");

        SkipReportAndRows skipped = readSkipping(Dataset.fromJsonl(file));
        assertThat(skipped.rows()).containsExactly(Map.of("text", "ok"));
        assertThat(skipped.report().skippedByProblem()).containsExactly(Map.entry(DataProblem.INVALID_ENCODING, 1L));
    }

    @Test
    void missingColumnNamesTheColumnAndTheColumnsPresent() throws Exception {
        Path file = write("rows.jsonl", "{\"query\": \"q\", \"pos\": \"p\"}\n");
        for (Dataset dataset : List.of(Dataset.fromJsonl(file).selectColumns("query", "positive"),
                Dataset.fromJsonl(file).renameColumn("positive", "document"),
                Dataset.fromJsonl(file).removeColumns("positive"),
                Dataset.fromJsonl(file).validate(Map.of("positive", ColumnType.TEXT)))) {
            DataException error = failure(dataset);
            assertThat(error.problem()).isEqualTo(DataProblem.MISSING_COLUMN);
            assertThat(error.getMessage()).contains(file + " line 1").contains("column 'positive' not found")
                    .contains("columns present: [query, pos]");
        }
    }

    private static final Map<String, ColumnType> TYPES = Map.of("text", ColumnType.TEXT, "score", ColumnType.NUMBER,
            "label", ColumnType.LABEL, "neg", ColumnType.TEXT_LIST);
    private static final String GOOD = "{\"text\": \"good\", \"score\": 1, \"label\": \"a\", \"neg\": [\"n\"]}";
    private static final List<String> BAD = List.of(
            "{\"text\": 42, \"score\": 1, \"label\": \"a\", \"neg\": [\"n\"]}",
            "{\"text\": \"  \", \"score\": 1, \"label\": \"a\", \"neg\": [\"n\"]}",
            "{\"text\": \"good\", \"score\": \"high\", \"label\": \"a\", \"neg\": [\"n\"]}",
            "{\"text\": \"good\", \"score\": 1, \"label\": 1.5, \"neg\": [\"n\"]}",
            "{\"text\": \"good\", \"score\": 1, \"label\": \"a\", \"neg\": [\"n\", \"\"]}",
            "{\"text\": \"good\", \"score\": 1, \"label\": \"a\", \"neg\": []}",
            "{\"text\": null, \"score\": 1, \"label\": \"a\", \"neg\": [\"n\"]}");

    @Test
    void wrongTypesAndEmptyTextsAreReported() throws Exception {
        List<String> expected = List.of(
                "column 'text' should be a text, found number 42",
                "column 'text' is only white space; expected a text",
                "column 'score' should be a number, found text 'high'",
                "column 'label' should be a label (text or integer), found number 1.5",
                "column 'neg[1]' is empty; expected a text",
                "column 'neg' is an empty list; expected a text or a list of texts",
                "column 'text' should be a text, found null");
        List<DataProblem> problems = List.of(DataProblem.WRONG_TYPE, DataProblem.EMPTY_TEXT, DataProblem.WRONG_TYPE,
                DataProblem.WRONG_TYPE, DataProblem.EMPTY_TEXT, DataProblem.EMPTY_TEXT, DataProblem.WRONG_TYPE);
        for (int i = 0; i < BAD.size(); i++) {
            Path file = write("typed" + i + ".jsonl", GOOD + "\n" + BAD.get(i) + "\n");
            DataException error = failure(Dataset.fromJsonl(file).validate(TYPES));
            assertThat(error.getMessage()).isEqualTo(file + " line 2: " + expected.get(i));
            assertThat(error.problem()).isEqualTo(problems.get(i));
        }
    }

    @Test
    void skippingCountsEveryBadRowByProblem() throws Exception {
        Path file = write("mixed.jsonl", GOOD + "\n" + String.join("\n", BAD) + "\n\n{broken\n" + GOOD + "\n");
        SkipReportAndRows result = readSkipping(Dataset.fromJsonl(file).validate(TYPES));
        assertThat(result.rows()).hasSize(2);
        SkipReport report = result.report();
        assertThat(report.skippedRows()).isEqualTo(8);
        assertThat(report.skippedByProblem()).containsExactly(Map.entry(DataProblem.MALFORMED, 1L),
                Map.entry(DataProblem.WRONG_TYPE, 4L), Map.entry(DataProblem.EMPTY_TEXT, 3L));
        assertThat(report.blankLines()).isEqualTo(1);
        assertThat(report.summary()).startsWith("Skipped 8 bad rows of " + file + " (1 malformed, 4 wrong type, 3 empty text)")
                .contains("first: " + file + " line 2: column 'text' should be a text")
                .endsWith("ignored 1 blank line of " + file);
    }

    @Test
    void csvErrorsNameLineAndExpectedFields() throws Exception {
        Path file = write("bad.csv", "a,b,c\n1,2,3\n1,2\n\"x\"y,2,3\n");
        DataException error = failure(Dataset.fromCsv(file));
        assertThat(error.getMessage()).isEqualTo(file + " line 3: found 2 fields, expected 3 [a, b, c]: 1,2");
        SkipReportAndRows result = readSkipping(Dataset.fromCsv(file));
        assertThat(result.rows()).containsExactly(Map.of("a", "1", "b", "2", "c", "3"));
        assertThat(result.report().summary()).contains("Skipped 2 bad rows").contains("2 malformed");
        Path quote = write("quote.csv", "a,b\n\"unclosed,1\nmore\n");
        assertThat(failure(Dataset.fromCsv(quote)).getMessage())
                .startsWith(quote + " line 2: quoted field opened here is not closed before the end of the file");
        Path after = write("after.csv", "a,b\n\"x\"y,1\n");
        assertThat(failure(Dataset.fromCsv(after)).getMessage())
                .startsWith(after + " line 2: unexpected 'y' after a closing quote at column 4");
        Path header = write("header.csv", "a,a\n1,2\n");
        assertThat(failure(Dataset.fromCsv(header)).getMessage()).contains("line 1: header has an empty or repeated column name");
    }

    @Test
    void jsonArrayErrors() throws Exception {
        Path notArray = write("object.json", "{\"text\": \"a\"}");
        assertThat(failure(Dataset.fromJsonArray(notArray)).getMessage()).contains("expected a JSON array of objects");
        Path element = write("element.json", "[\n{\"text\": \"a\"},\n\"just text\",\n{\"text\": \"b\"}\n]");
        assertThat(failure(Dataset.fromJsonArray(element)).getMessage())
                .contains(element + " line 3").contains("expected a JSON object as array element, found a string");
        assertThat(readSkipping(Dataset.fromJsonArray(element)).rows()).hasSize(2);
        Path broken = write("broken.json", "[\n{\"text\": \"a\"},\n{\"text\" \"b\"}\n]");
        DataException syntax = failure(Dataset.fromJsonArray(broken).skipBadRows());
        assertThat(syntax.getMessage()).contains(broken + " line 3").contains("malformed JSON")
                .contains("cannot be read past this point");
    }

    @Test
    void failuresOfCallersFunctionsNameTheOperationAndRow() throws Exception {
        Path file = write("rows.jsonl", "{\"text\": \"a\"}\n{\"text\": \"b\"}\n");
        assertThatThrownBy(() -> Dataset.fromJsonl(file).map(row -> {
            if (row.get("text").equals("b")) {
                throw new ArithmeticException("boom");
            }
            return row;
        }).toList()).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("map failed at " + file + " line 2: ")
                .hasMessageContaining("boom");
        assertThatThrownBy(() -> Dataset.fromJsonl(file).map(row -> null).toList())
                .hasMessageContaining("map failed at " + file + " line 1").hasMessageContaining("use filter to drop rows");
        assertThatThrownBy(() -> Dataset.fromJsonl(file).filter(row -> ((String) row.get("missing")).isEmpty()).toList())
                .hasMessageStartingWith("filter failed at " + file + " line 1: java.lang.NullPointerException");
        assertThatThrownBy(() -> Dataset.fromJsonl(dir.resolve("absent.jsonl")).toList())
                .hasMessageContaining("Dataset file " + dir.resolve("absent.jsonl") + " does not exist");
    }

    record SkipReportAndRows(List<Map<String, Object>> rows, SkipReport report) {}

    private static SkipReportAndRows readSkipping(Dataset dataset) {
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        try (RowIterator pass = dataset.skipBadRows().iterator()) {
            pass.forEachRemaining(rows::add);
            return new SkipReportAndRows(rows, pass.skipReport());
        }
    }
}
