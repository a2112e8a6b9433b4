package dev.retrievals.trainer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that runs a class of the test classpath in a new JVM, offline and with the shared data folder. */
final class TestJvm {
    private TestJvm() {}

    static List<String> command(Class<?> mainClass, List<String> jvmFlags, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-Dai.djl.offline=true", "-Dretrievals.data.dir=" + TrainingData.dataDir().toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return command;
    }
}
