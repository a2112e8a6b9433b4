package dev.retrievals.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.retrievals.core.process.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command's surface, in-process: help on every command, the version, "did you mean"
 * suggestions on one line with the old exit codes, and a completion script that bash can use.
 */
class CommandLineHelpTest {
    private static final List<String> COMMANDS = List.of("info", "train", "evaluate", "encode", "mine", "export", "rerank", "merge",
            "report", "completion");

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The project version, read from the parent pom (not from the code under test). */
    private static String pomVersion() throws IOException {
        String pom = Files.readString(Path.of("..", "pom.xml"));
        Matcher matcher = Pattern.compile("<artifactId>retrievals-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(matcher.find()).isTrue();
        return matcher.group(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"info", "train", "evaluate", "encode", "mine", "export", "rerank", "merge", "report", "completion"})
    void everyCommandHasHelpListingItsOptions(String command) {
        Result help = run(command, "--help");
        assertThat(help.code()).isZero();
        assertThat(help.err()).isEmpty();
        assertThat(help.out()).startsWith("Usage: retrievals " + command).contains("--help").contains("--version").contains("--verbose");
        Result viaHelp = run("help", command);
        assertThat(viaHelp.code()).isZero();
        assertThat(viaHelp.out()).isEqualTo(help.out());
    }

    @Test
    void helpShowsEachCommandsOwnOptions() {
        assertThat(run("train", "--help").out()).contains("--learning-rate=X").contains("--loss-option=KEY=VALUE").contains("--resume");
        assertThat(run("evaluate", "--help").out()).contains("--model=ID|PATH").contains("--sts=FILE").contains("--retrieval=DIR");
        assertThat(run("encode", "--help").out()).contains("--backend=pytorch|onnx").contains("--no-normalize");
        assertThat(run("report", "--help").out()).contains("RUN_DIR");
        Result top = run("--help");
        assertThat(top.code()).isZero();
        for (String command : COMMANDS) {
            assertThat(top.out()).containsPattern("(?m)^  " + command + " ");
        }
    }

    @Test
    void versionIsTheProjectVersionOnEveryCommand() throws IOException {
        String expected = "retrievals " + pomVersion();
        for (String[] args : new String[][] {{"--version"}, {"-V"}, {"train", "--version"}, {"report", "--version"}}) {
            Result version = run(args);
            assertThat(version.code()).isZero();
            assertThat(version.out().lines().findFirst()).contains(expected);
        }
    }

    @Test
    void noCommandPrintsUsageAndExitsTwo() {
        Result none = run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.out()).startsWith("Usage: retrievals");
    }

    @Test
    void unknownCommandsAndOptionsGetOneLineWithASuggestion() {
        Result command = run("trian");
        assertThat(command.code()).isEqualTo(2);
        assertThat(command.err()).startsWith("retrievals: unknown command 'trian'; did you mean one of train, rerank?");
        assertThat(command.err().strip().lines().count()).isEqualTo(1);

        Result option = run("train", "--learning-rat", "1");
        assertThat(option.code()).isEqualTo(2);
        assertThat(option.err()).startsWith("retrievals: unknown option --learning-rat for 'train'; did you mean --learning-rate?");
        assertThat(option.err().strip().lines().count()).isEqualTo(1);

        Result withValue = run("evaluate", "--modle=x", "--sts", "a.jsonl");
        assertThat(withValue.code()).isEqualTo(2);
        assertThat(withValue.err()).contains("unknown option --modle for 'evaluate'; did you mean --model?");

        Result missing = run("export", "--model", "all-MiniLM-L6-v2");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).startsWith("retrievals: 'export' needs --output");

        Result twice = run("export", "--model", "a", "--model", "b", "--output", "o");
        assertThat(twice.code()).isEqualTo(2);
        assertThat(twice.err()).contains("--model").contains("should be specified only once");

        Result badNumber = run("encode", "--model", "m", "--input", "i.txt", "--batch-size", "many");
        assertThat(badNumber.code()).isEqualTo(2);
        assertThat(badNumber.err()).contains("--batch-size").contains("'many'");
        assertThat(badNumber.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void bashCompletesCommandsAndOptionsFromTheGeneratedScript(@TempDir Path dir) throws Exception {
        Result completion = run("completion");
        assertThat(completion.code()).isZero();
        Path script = dir.resolve("retrievals-completion.bash");
        Files.writeString(script, completion.out());
        String probe = "source " + script + "\n"
                + "COMP_WORDS=(retrievals tr); COMP_CWORD=1; COMP_LINE='retrievals tr'; COMP_POINT=${#COMP_LINE}; _complete_retrievals;"
                + " echo \"commands: ${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(retrievals train --learning); COMP_CWORD=2; COMP_LINE='retrievals train --learning';"
                + " COMP_POINT=${#COMP_LINE}; _complete_retrievals; echo \"options: ${COMPREPLY[*]}\"\n";
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", probe).redirectErrorStream(true);
        try (ChildProcess child = ChildProcess.start(bash, Duration.ofSeconds(60))) {
            String output = new String(child.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor()).as(output).isZero();
            assertThat(output).contains("commands: train").containsPattern("options: .*--learning-rate");
        }
    }
}
