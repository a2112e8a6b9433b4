package dev.retrievals.core.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Plain lines off a terminal (no carriage returns), in-place redraws on one, nothing when disabled. */
class ProgressBarTest {
    private static final Pattern COUNT = Pattern.compile("^train (\\d+)/(\\d+) \\((\\d+)%\\) .* it/s ETA \\d+:\\d\\d loss 0\\.5$");

    private static String run(long total, long lineEvery, long[] steps, boolean enabled) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
                ProgressBar bar = new ProgressBar("train", total, enabled, out, lineEvery)) {
            bar.setSuffix("loss 0.5");
            for (long step : steps) {
                bar.advance(step);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void offATerminalItPrintsAPlainLineEveryNCountsAndOneAtTheEnd() {
        long[] ones = new long[23];
        java.util.Arrays.fill(ones, 1);
        String text = run(23, 5, ones, true);
        assertThat(text).doesNotContain("\r");
        List<Long> counts = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher matcher = COUNT.matcher(line);
            assertThat(matcher.matches()).as(line).isTrue();
            long done = Long.parseLong(matcher.group(1));
            counts.add(done);
            assertThat(Long.parseLong(matcher.group(3))).isEqualTo(100 * done / 23);
        }
        List<Long> expected = new ArrayList<>();
        for (long done = 5; done <= 23; done += 5) {
            expected.add(done);
        }
        expected.add(23L);
        assertThat(counts).isEqualTo(expected);
    }

    @Test
    void aLineIsNotRepeatedWhenTheLastStepLandsOnAMultiple() {
        String text = run(10, 5, new long[] {3, 3, 4}, true);
        assertThat(text.lines().map(line -> line.split(" ")[1]).toList()).containsExactly("6/10", "10/10");
    }

    @Test
    void onATerminalItRedrawsInPlace() {
        String text = run(4, 0, new long[] {1, 1, 1, 1}, true);
        assertThat(text).startsWith("\rtrain [").contains("4/4").endsWith(System.lineSeparator());
        assertThat(text.chars().filter(c -> c == '\n').count()).as("one line, redrawn").isEqualTo(1);
        assertThat(text.chars().filter(c -> c == '\r').count()).as("redraws").isGreaterThanOrEqualTo(2);
    }

    @Test
    void disabledPrintsNothing() {
        assertThat(run(4, 1, new long[] {1, 1, 1, 1}, false)).isEmpty();
        assertThat(run(4, 0, new long[] {1, 1, 1, 1}, false)).isEmpty();
    }

    @Test
    void theStyleFollowsThePropertyElseTheConsole() {
        String saved = System.getProperty(ProgressBar.STYLE_PROPERTY);
        try {
            System.setProperty(ProgressBar.STYLE_PROPERTY, "lines");
            assertThat(ProgressBar.onTerminal()).isFalse();
            System.setProperty(ProgressBar.STYLE_PROPERTY, "terminal");
            assertThat(ProgressBar.onTerminal()).isTrue();
            System.clearProperty(ProgressBar.STYLE_PROPERTY);
            assertThat(ProgressBar.onTerminal()).isEqualTo(System.console() != null);
        } finally {
            if (saved != null) {
                System.setProperty(ProgressBar.STYLE_PROPERTY, saved);
            }
        }
    }
}
