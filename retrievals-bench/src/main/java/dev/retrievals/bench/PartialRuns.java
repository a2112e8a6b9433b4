package dev.retrievals.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * The machine table of a page that a partial run ({@code bench/run only=...}) rewrites: the table of
 * the run that measured the other sections stays, and the partial runs are listed under
 * {@code partial_runs} (command, start, minutes, load averages, the results they wrote), a later run
 * of the same benchmarks replacing the earlier entry.
 */
final class PartialRuns {
    private PartialRuns() {}

    /** {@code previous} with this run ({@code current}, which ran {@code benchmarks}) listed among its partial runs. */
    static JsonObject keepHeader(JsonObject previous, JsonObject current, List<String> benchmarks) {
        JsonObject machine = previous.deepCopy();
        JsonArray runs = machine.has("partial_runs") ? machine.getAsJsonArray("partial_runs") : new JsonArray();
        if (machine.has("memory_growth_run")) {
            // the first partial run, recorded by hand before partial runs were listed by the runner
            JsonObject legacy = machine.remove("memory_growth_run").getAsJsonObject();
            JsonArray names = new JsonArray();
            List.of("memory_growth", "memory_growth_gc", "memory_growth_lean").forEach(names::add);
            legacy.add("benchmarks", names);
            legacy.addProperty("load_average", "?");
            legacy.addProperty("load_average_after", "?");
            runs.add(legacy);
        }
        JsonArray names = new JsonArray();
        benchmarks.forEach(names::add);
        JsonArray kept = new JsonArray();
        for (int i = 0; i < runs.size(); i++) {
            if (!runs.get(i).getAsJsonObject().get("benchmarks").equals(names)) {
                kept.add(runs.get(i));
            }
        }
        JsonObject run = new JsonObject();
        run.addProperty("command", current.get("command").getAsString());
        run.addProperty("started", current.get("started").getAsString());
        run.addProperty("minutes", current.get("minutes").getAsDouble());
        run.addProperty("load_average", current.get("load_average").getAsString());
        run.addProperty("load_average_after", current.get("load_average_after").getAsString());
        run.add("benchmarks", names);
        kept.add(run);
        machine.add("partial_runs", kept);
        return machine;
    }
}
