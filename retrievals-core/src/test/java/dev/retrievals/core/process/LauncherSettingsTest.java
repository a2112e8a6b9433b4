package dev.retrievals.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's settings file: its kinds of lines, environments per subcommand, and errors that name the line. */
class LauncherSettingsTest {
    private static final String SETTINGS = """
            # a comment
            java.options=-Xmx2g  -Xss1m

            java.flags=-Dx=1 -Dy=a=b
            env.B_SECOND=2
            env.A_FIRST=one=two
            profile.inference.commands=encode evaluate
            profile.inference.env.A_FIRST=three
            profile.inference.env.C_THIRD=4
            profile.training.commands=train
            profile.training.env.D_FOURTH=5
            """;

    @Test
    void readsOptionsAndFlags() {
        LauncherSettings settings = LauncherSettings.parse(SETTINGS, "test.properties");
        assertThat(settings.javaOptions()).containsExactly("-Xmx2g", "-Xss1m");
        assertThat(settings.javaFlags()).containsExactly("-Dx=1", "-Dy=a=b");
        assertThat(settings.jvmArguments()).containsExactly("-Xmx2g", "-Xss1m", "-Dx=1", "-Dy=a=b");
    }

    @Test
    void eachSubcommandGetsTheCommonVariablesThenItsProfiles() {
        LauncherSettings settings = LauncherSettings.parse(SETTINGS, "test.properties");
        assertThat(settings.environment("info")).containsExactly(Map.entry("B_SECOND", "2"), Map.entry("A_FIRST", "one=two"));
        assertThat(settings.environment("evaluate")).containsExactly(Map.entry("B_SECOND", "2"), Map.entry("A_FIRST", "three"),
                Map.entry("C_THIRD", "4"));
        assertThat(settings.environment("train")).containsExactly(Map.entry("B_SECOND", "2"), Map.entry("A_FIRST", "one=two"),
                Map.entry("D_FOURTH", "5"));
        assertThat(settings.variables()).containsExactly("B_SECOND", "A_FIRST", "C_THIRD", "D_FOURTH");
    }

    @Test
    void aLineOfNoKnownKindIsAnErrorNamingItsNumber() {
        assertThatThrownBy(() -> LauncherSettings.parse("java.options=-Xmx1g\n\nMALLOC_ARENA_MAX=1\n", "conf/launcher.properties"))
                .isInstanceOf(RetrievalsException.class)
                .hasMessage("conf/launcher.properties line 3: 'MALLOC_ARENA_MAX=1' is not java.options=..., java.flags=...,"
                        + " env.NAME=value, profile.P.commands=..., profile.P.env.NAME=value or profile.P.preload=FILE ...");
        assertThatThrownBy(() -> LauncherSettings.parse("env.=1", "f")).hasMessageStartingWith("f line 1:");
        assertThatThrownBy(() -> LauncherSettings.parse("env.A-B=1", "f")).hasMessageStartingWith("f line 1:");
        assertThatThrownBy(() -> LauncherSettings.parse("# x\nprofile.p.env.A=1\nprofile.p.commands=train", "f"))
                .hasMessage("f line 2: profile 'p' has no profile.p.commands line before its variables");
        assertThatThrownBy(() -> LauncherSettings.parse("profile.p.preload=/x.so\nprofile.p.commands=train", "f"))
                .hasMessage("f line 1: profile 'p' has no profile.p.commands line before its variables");
    }

    @Test
    void aProfilesPreloadIsTheFirstOfItsLibrariesThatExists(@TempDir Path dir) throws Exception {
        Path second = Files.createFile(dir.resolve("second.so"));
        Path third = Files.createFile(dir.resolve("third.so"));
        String text = "profile.training.commands=train\nprofile.training.env.D_FOURTH=5\nprofile.training.preload="
                + dir.resolve("missing.so") + " " + second + "  " + third + "\nprofile.other.commands=encode\n"
                + "profile.other.preload=" + dir.resolve("missing.so") + "\n";
        LauncherSettings settings = LauncherSettings.parse(text, "test.properties");
        assertThat(settings.environment("train")).containsExactly(Map.entry("D_FOURTH", "5"), Map.entry("LD_PRELOAD", second.toString()));
        assertThat(settings.environment("encode")).as("no listed library exists").isEmpty();
        assertThat(settings.environment("info")).isEmpty();
        assertThat(settings.variables()).containsExactly("D_FOURTH", "LD_PRELOAD");
    }

    @Test
    void theShippedFileParsesAndSetsTheHeap() {
        LauncherSettings shipped = LauncherSettings.load();
        assertThat(shipped.javaOptions()).anyMatch(option -> option.startsWith("-Xmx"));
        assertThat(shipped.javaFlags()).contains("-Dai.djl.offline=true");
        assertThat(shipped.jvmArguments()).startsWith(shipped.javaOptions().toArray(String[]::new));
        assertThat(shipped.environment("encode")).isNotEmpty();
    }
}
