package dev.retrievals.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelMapTest {
    @TempDir
    Path dir;

    @Test
    void labelsAreSortedDistinctAndRoundTripThroughAFile() {
        Dataset news = Dataset.fromJsonl(DatasetReadingTest.DATA.resolve("thucnews-zh-10k/train.jsonl")).take(300);
        TreeSet<String> expected = new TreeSet<>();
        news.forEach(row -> expected.add((String) row.get("label")));
        LabelMap map = LabelMap.fromDataset(news, "label");
        assertThat(map.labels()).containsExactlyElementsOf(expected);
        assertThat(map.id(expected.first(), "here")).isZero();
        assertThat(map.label(map.size() - 1)).isEqualTo(expected.last());

        Path file = dir.resolve("labels.json");
        map.save(file);
        assertThat(LabelMap.load(file)).isEqualTo(map);
    }

    @Test
    void integerLabelsBecomeText() {
        LabelMap map = LabelMap.fromDataset(Dataset.fromRows(List.of(Map.of("label", 10L), Map.of("label", 2L))), "label");
        assertThat(map.labels()).containsExactly("10", "2");
    }

    @Test
    void errorsNameTheLabelAndTheFile() throws Exception {
        LabelMap map = LabelMap.of(List.of("a", "b"));
        assertThatThrownBy(() -> map.id("c", "batch row 3")).isInstanceOf(DataException.class)
                .hasMessage("batch row 3: label 'c' is not in the label map of 2 labels: [a, b]");
        Path gap = dir.resolve("gap.json");
        Files.writeString(gap, "{\"id2label\": {\"0\": \"a\", \"2\": \"b\"}}");
        assertThatThrownBy(() -> LabelMap.load(gap)).isInstanceOf(RetrievalsException.class)
                .hasMessage("Label map " + gap + " has id '2'; expected the integers 0..1");
        Path wrong = dir.resolve("wrong.json");
        Files.writeString(wrong, "{\"labels\": []}");
        assertThatThrownBy(() -> LabelMap.load(wrong)).hasMessageContaining(wrong + " has no \"id2label\" object");
        assertThatThrownBy(() -> LabelMap.of(List.of("a", "a"))).hasMessageContaining("Label 'a' appears twice");
    }
}
