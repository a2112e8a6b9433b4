package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * README.md's command-line reference is what the commands' {@code --help} prints. After changing an
 * option, regenerate it: {@code mvn -B -q verify -pl retrievals-cli -am -Dtest=CliReferenceTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dretrievals.updateReadme=true} (see CONTRIBUTING.md).
 */
class CliReferenceTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void theReadmeReferenceIsTheHelpOfEveryCommand() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        String expected = CliReference.replaceIn(readme);
        if (Boolean.getBoolean("retrievals.updateReadme")) {
            Files.writeString(README, expected, StandardCharsets.UTF_8);
            readme = expected;
        }
        assertThat(readme).as("README.md's CLI reference is out of date: regenerate it with -Dretrievals.updateReadme=true"
                + " (see CONTRIBUTING.md)").isEqualTo(expected);
        for (String command : new String[] {"info", "train", "evaluate", "encode", "mine", "export", "rerank", "merge", "report",
            "completion"}) {
            assertThat(readme).contains("#### `retrievals " + command + "`").contains("Usage: retrievals " + command);
        }
    }
}
