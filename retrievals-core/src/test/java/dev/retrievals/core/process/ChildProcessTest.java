package dev.retrievals.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A child that never exits is destroyed at its deadline, with the processes it started; reading its output until the end cannot hang. */
@Timeout(120)
class ChildProcessTest {
    /** A JVM that never exits on its own. */
    public static final class SleepForever {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("sleeping");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** A JVM that starts a long sleep under a {@link ChildProcess}, prints its pid and exits without closing it. */
    public static final class LeavesAChildBehind {
        public static void main(String[] args) {
            ChildProcess sleeper = ChildProcess.start(new ProcessBuilder("sleep", "600"), Duration.ofMinutes(10));
            System.out.println(sleeper.process().pid());
            System.out.flush();
            System.exit(0);
        }
    }

    @Test
    void aChildLeftRunningIsDestroyedWhenItsJvmExits() throws IOException {
        long sleeper;
        try (ChildProcess parent = ChildProcess.start(new ProcessBuilder(JavaCommand.of(LeavesAChildBehind.class, List.of("-Xmx32m"),
                List.of())), Duration.ofSeconds(60))) {
            sleeper = Long.parseLong(new String(parent.process().getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8).trim());
            assertThat(parent.waitFor()).isZero();
        }
        assertThat(ProcessHandle.of(sleeper).map(handle -> handle.isAlive() ? stateOf(handle) : "gone").orElse("gone"))
                .as("the sleep the exited JVM had started").isIn("gone", "Z");
    }

    @Test
    void aJvmThatNeverExitsIsDestroyedAtItsDeadline() {
        long start = System.nanoTime();
        try (ChildProcess child = ChildProcess.start(new ProcessBuilder(JavaCommand.of(SleepForever.class, List.of("-Xmx32m"), List.of()))
                .redirectErrorStream(true), Duration.ofSeconds(3))) {
            assertThatThrownBy(child::waitFor).isInstanceOf(ChildProcessTimeoutException.class)
                    .hasMessageContaining("did not end within PT3S").hasMessageContaining(SleepForever.class.getName());
            assertThat(child.timedOut()).isTrue();
            assertThat(child.isAlive()).isFalse();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).as("the wait ended soon after the deadline").isBetween(2.9, 60.0);
    }

    @Test
    void readingOutputEndsWhenTheDeadlineDestroysTheChildAndAGrandchildHoldingThePipe() throws IOException {
        // the shell's background sleep inherits stdout: the stream ends only when it is destroyed too; the shell has forked it
        // before it prints (CI once listed the shell's descendants between "started" and the fork, and found none)
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", "sleep 600 & echo started; sleep 600").redirectErrorStream(true);
        try (ChildProcess child = ChildProcess.start(builder, Duration.ofSeconds(2))) {
            List<ProcessHandle> grandchildren;
            try (InputStream out = child.process().getInputStream()) {
                byte[] first = out.readNBytes(8);
                assertThat(new String(first, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("started\n");
                grandchildren = child.process().descendants().toList();
                out.readAllBytes(); // returns only once every holder of the pipe is gone
            }
            assertThat(grandchildren).as("the shell started its sleeps").isNotEmpty();
            assertThatThrownBy(child::waitFor).isInstanceOf(ChildProcessTimeoutException.class);
            for (ProcessHandle grandchild : grandchildren) {
                assertThat(grandchild.isAlive() ? stateOf(grandchild) : "gone").as("grandchild %d", grandchild.pid())
                        .isIn("gone", "Z");
            }
        }
    }

    /** The state letter in {@code /proc/PID/stat} ("Z": killed, waiting to be reaped by a parent that is not Java). */
    private static String stateOf(ProcessHandle process) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", String.valueOf(process.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException e) {
            return "gone";
        }
    }

    @Test
    void aChildThatEndsInTimeGivesItsExitCode() {
        try (ChildProcess child = ChildProcess.start(new ProcessBuilder("bash", "-c", "exit 7"), Duration.ofSeconds(30))) {
            assertThat(child.waitFor()).isEqualTo(7);
            assertThat(child.timedOut()).isFalse();
        }
    }

    @Test
    void closingDestroysAChildStillRunning() {
        ChildProcess child = ChildProcess.start(new ProcessBuilder("sleep", "600"), Duration.ofMinutes(10));
        assertThat(child.isAlive()).isTrue();
        child.close();
        assertThat(child.isAlive()).isFalse();
        assertThat(child.timedOut()).isFalse();
    }

    @Test
    void aNonPositiveTimeoutIsRefused() {
        assertThatThrownBy(() -> ChildProcess.start(new ProcessBuilder("true"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
    }
}
