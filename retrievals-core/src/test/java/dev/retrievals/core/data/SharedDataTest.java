package dev.retrievals.core.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shared datasets are found the same way from every module: configured, or beside the checkout. */
class SharedDataTest {
    @Test
    void withoutThePropertyTheFolderBesideTheCheckoutIsFoundFromAModuleFolder() throws Exception {
        String configured = System.getProperty(SharedData.PROPERTY);
        assertThat(configured).as("surefire passes the folder (root pom)").isNotBlank();
        System.clearProperty(SharedData.PROPERTY);
        try {
            // tests run in the module's folder, one level below the checkout that has shared/ beside it
            assertThat(Path.of("").toAbsolutePath().getFileName().toString()).isEqualTo("retrievals-core");
            Path found = SharedData.folderIfPresent().orElseThrow();
            assertThat(found.toRealPath()).isEqualTo(Path.of(configured).toRealPath());
            assertThat(Files.isRegularFile(SharedData.resolve("README.md"))).isTrue();
        } finally {
            System.setProperty(SharedData.PROPERTY, configured);
        }
    }

    @Test
    void thePropertyWins() {
        String configured = System.getProperty(SharedData.PROPERTY);
        System.setProperty(SharedData.PROPERTY, "/somewhere/else");
        try {
            assertThat(SharedData.folder()).isEqualTo(Path.of("/somewhere/else"));
        } finally {
            System.setProperty(SharedData.PROPERTY, configured);
        }
    }
}
