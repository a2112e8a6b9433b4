package dev.retrievals.core.process;

import dev.retrievals.core.data.SharedData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs a class of this JVM's class path in a new JVM with the same Java:
 * offline (DJL never probes the network) and with the same shared-data folder, for tests and
 * benchmarks that need a process of their own.
 */
public final class JavaCommand {
    private JavaCommand() {}

    /** {@code java <jvmFlags> -Dai.djl.offline=true -Dretrievals.data.dir=… -cp <this class path> <mainClass> <args>}. */
    public static List<String> of(Class<?> mainClass, List<String> jvmFlags, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-Dai.djl.offline=true");
        SharedData.folderIfPresent().ifPresent(folder -> command.add("-D" + SharedData.PROPERTY + "=" + folder.toAbsolutePath()));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(args);
        return command;
    }
}
