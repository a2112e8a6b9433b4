package dev.retrievals.spark;

import dev.retrievals.onnx.OnnxEncoder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link OnnxEncoder} per executor JVM and settings: the first task that needs it loads it,
 * later tasks (running at once or after) share it ({@link OnnxEncoder#encode} is safe for
 * concurrent callers), and a shutdown hook closes it when the executor stops.
 */
public final class ExecutorEncoders {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorEncoders.class);
    private static final Map<EncoderSettings, OnnxEncoder> ENCODERS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();
    private static final AtomicLong TEXTS = new AtomicLong();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorEncoders::closeAll, "retrievals-close-encoders"));
    }

    private ExecutorEncoders() {}

    /** This JVM's encoder for {@code settings}, loaded on first use. */
    public static OnnxEncoder get(EncoderSettings settings) {
        return ENCODERS.computeIfAbsent(settings, ExecutorEncoders::load);
    }

    /** How many encoders this JVM has loaded so far. */
    public static int loads() {
        return LOADS.get();
    }

    /** How many texts tasks in this JVM have encoded so far (retried tasks count again). */
    public static long textsEncoded() {
        return TEXTS.get();
    }

    /** Counts texts encoded by a task. */
    static void encoded(int texts) {
        TEXTS.addAndGet(texts);
    }

    private static OnnxEncoder load(EncoderSettings settings) {
        OnnxEncoder.Builder builder = OnnxEncoder.builder(ModelLocation.resolve(settings.model())).batchSize(settings.batchSize())
                .intraOpThreads(settings.threadsPerTask());
        if (settings.pooling() != null) {
            builder.pooling(settings.pooling());
        }
        if (settings.maxLength() != null) {
            builder.maxLength(settings.maxLength());
        }
        if (settings.device() != null) {
            builder.device(settings.device());
        }
        OnnxEncoder encoder = builder.build();
        LOADS.incrementAndGet();
        LOG.info("Loaded {} with {} ONNX Runtime thread(s) per task", settings.model(), settings.threadsPerTask());
        return encoder;
    }

    private static void closeAll() {
        ENCODERS.values().forEach(OnnxEncoder::close);
        ENCODERS.clear();
    }
}
