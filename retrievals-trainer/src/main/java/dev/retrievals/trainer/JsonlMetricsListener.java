package dev.retrievals.trainer;

import com.google.gson.Gson;
import dev.retrievals.core.RetrievalsException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Appends every log entry (loss, learning rate, speed, evaluation metrics) as one JSON line to a file. */
public final class JsonlMetricsListener implements TrainerListener {
    private static final Gson GSON = new com.google.gson.GsonBuilder().serializeSpecialFloatingPointValues().create();
    private final Path file;

    /** Logs to {@code file} (created if missing, appended to otherwise, as a resumed run continues its log). */
    public JsonlMetricsListener(Path file) {
        this.file = file;
    }

    @Override
    public void onLog(TrainerState state, TrainerControl control, Map<String, Object> entry) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                out.write(GSON.toJson(entry));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new RetrievalsException("Cannot append to the metrics log " + file + ": " + e.getMessage(), e);
        }
    }
}
