package dev.retrievals.spark;

import dev.retrievals.core.RetrievalsException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * ONNX Runtime threads per Spark task: an executor's cores divided by the tasks it runs at once
 * ({@code cores / spark.task.cpus} of them), at least one. Setting this explicitly keeps tasks
 * from each starting one thread per core, which oversubscribes the cores {@code N}-fold when an
 * executor runs {@code N} tasks.
 */
public final class ThreadBudget {
    private static final Pattern LOCAL = Pattern.compile("local(?:-cluster)?\\[(\\*|\\d+)(?:,\\s*\\d+)?]");

    private ThreadBudget() {}

    /** Threads per task for an executor with {@code executorCores} cores and {@code taskCpus} cores per task. */
    public static int threadsPerTask(int executorCores, int taskCpus) {
        if (executorCores < 1 || taskCpus < 1) {
            throw new RetrievalsException("Executor cores (" + executorCores + ") and spark.task.cpus (" + taskCpus
                    + ") must be at least 1");
        }
        int concurrentTasks = Math.max(1, executorCores / taskCpus);
        return Math.max(1, executorCores / concurrentTasks);
    }

    /**
     * The cores of one executor under {@code conf}: {@code local[N]}'s N ({@code local[*]}: the
     * cores of this machine), else {@code spark.executor.cores}, else the cores of this machine.
     */
    public static int executorCores(SparkConf conf, int machineCores) {
        Matcher local = LOCAL.matcher(conf.get("spark.master", ""));
        if (local.matches()) {
            return local.group(1).equals("*") ? machineCores : Integer.parseInt(local.group(1));
        }
        if (conf.get("spark.master", "").equals("local")) {
            return 1;
        }
        return conf.getInt("spark.executor.cores", machineCores);
    }

    /** Threads per task under {@code conf} on this machine. */
    public static int threadsPerTask(SparkConf conf) {
        return threadsPerTask(executorCores(conf, Runtime.getRuntime().availableProcessors()), conf.getInt("spark.task.cpus", 1));
    }
}
