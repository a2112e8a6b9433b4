package dev.retrievals.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchRecallTest {
    private static List<SearchHit> hits(int... documents) {
        return Arrays.stream(documents).mapToObj(d -> new SearchHit(d, 1.0 / (d + 1))).toList();
    }

    @Test
    void countsTheExactDocumentsFoundOverAllQueries() {
        // query 0: 2 of {1, 2, 3} found; query 1: 1 of {4, 5} found (order does not matter) -> 3 of 5
        List<List<SearchHit>> exact = List.of(hits(1, 2, 3), hits(4, 5));
        List<List<SearchHit>> approximate = List.of(hits(3, 9, 1), hits(7, 4));
        assertThat(SearchRecall.of(exact, approximate)).isEqualTo(3.0 / 5.0);
    }

    @Test
    void perfectAndEmptyListsGiveOne() {
        assertThat(SearchRecall.of(List.of(hits(2, 1)), List.of(hits(1, 2)))).isEqualTo(1.0);
        assertThat(SearchRecall.of(List.of(hits()), List.of(hits(4)))).isEqualTo(1.0);
    }

    @Test
    void aMissingApproximateListIsAnError() {
        assertThatThrownBy(() -> SearchRecall.of(List.of(hits(1), hits(2)), List.of(hits(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 exact lists but 1");
    }
}
