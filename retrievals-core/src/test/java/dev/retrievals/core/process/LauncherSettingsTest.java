package dev.retrievals.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launcher's settings file: its three kinds of lines, and errors that name the line. */
class LauncherSettingsTest {
    @Test
    void readsOptionsFlagsAndEnvironmentInFileOrder() {
        LauncherSettings settings = LauncherSettings.parse("""
                # a comment
                java.options=-Xmx2g  -Xss1m

                java.flags=-Dx=1 -Dy=a=b
                env.B_SECOND=2
                env.A_FIRST=one=two
                """, "test.properties");
        assertThat(settings.javaOptions()).containsExactly("-Xmx2g", "-Xss1m");
        assertThat(settings.javaFlags()).containsExactly("-Dx=1", "-Dy=a=b");
        assertThat(settings.jvmArguments()).containsExactly("-Xmx2g", "-Xss1m", "-Dx=1", "-Dy=a=b");
        assertThat(settings.environment()).containsExactly(Map.entry("B_SECOND", "2"), Map.entry("A_FIRST", "one=two"));
    }

    @Test
    void aLineOfNoKnownKindIsAnErrorNamingItsNumber() {
        assertThatThrownBy(() -> LauncherSettings.parse("java.options=-Xmx1g\n\nMALLOC_ARENA_MAX=1\n", "conf/launcher.properties"))
                .isInstanceOf(RetrievalsException.class)
                .hasMessage("conf/launcher.properties line 3: 'MALLOC_ARENA_MAX=1' is not java.options=..., java.flags=... or"
                        + " env.NAME=value");
        assertThatThrownBy(() -> LauncherSettings.parse("env.=1", "f")).hasMessageContaining("f line 1");
    }

    @Test
    void theShippedFileParsesAndSetsTheHeapAndTheAllocator() {
        LauncherSettings shipped = LauncherSettings.load();
        assertThat(shipped.javaOptions()).anyMatch(option -> option.startsWith("-Xmx"));
        assertThat(shipped.javaFlags()).contains("-Dai.djl.offline=true");
        assertThat(shipped.environment()).isNotEmpty();
        assertThat(List.copyOf(shipped.jvmArguments())).startsWith(shipped.javaOptions().toArray(String[]::new));
    }
}
