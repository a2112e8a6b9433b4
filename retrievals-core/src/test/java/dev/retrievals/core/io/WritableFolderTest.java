package dev.retrievals.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.retrievals.core.RetrievalsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WritableFolderTest {
    @TempDir
    Path dir;

    @Test
    void createsMissingFoldersAndLeavesNoProbeBehind() throws Exception {
        Path folder = dir.resolve("a/b/c");
        assertThat(WritableFolder.require(folder, "output_dir")).isEqualTo(folder);
        assertThat(folder).isEmptyDirectory();
    }

    @Test
    void aFolderUnderARegularFileIsRefusedByName() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
        assertThatThrownBy(() -> WritableFolder.require(file.resolve("out"), "output_dir"))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageStartingWith("output_dir " + file.resolve("out") + " is not a folder that can be written to")
                .hasMessageContaining("notes.txt")
                .hasMessageEndingWith("choose another output_dir");
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void aFolderOnAFileSystemThatRefusesWritesIsRefused() {
        // sysfs refuses new entries even to root, unlike a folder with its write permission removed
        assertThatThrownBy(() -> WritableFolder.require(Path.of("/sys/retrievals-output"), "--output-dir"))
                .isInstanceOf(RetrievalsException.class)
                .hasMessageContaining("--output-dir /sys/retrievals-output is not a folder that can be written to");
        assertThat(Path.of("/sys/retrievals-output")).doesNotExist();
    }
}
