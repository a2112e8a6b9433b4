package dev.retrievals.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.retrievals.core.encode.TextEncoder;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A LangChain4j embedding model as a {@link TextEncoder}: a jar's model as it is ({@link #of}), or any BERT ONNX file
 * through LangChain4j's own {@code OnnxBertBiEncoder} (one text a call, mean pooling, L2 normalisation) on an ONNX Runtime
 * session with default options, as LangChain4j's {@code OnnxEmbeddingModel} opens it ({@link #open}). Unlike
 * {@code OnnxEmbeddingModel}, {@link #close()} closes that session, so a probe can open many files in one JVM.
 */
public final class LangChain4jTextEncoder implements TextEncoder {
    private final EmbeddingModel model;
    private final OrtSession session;

    private LangChain4jTextEncoder(EmbeddingModel model, OrtSession session) {
        this.model = model;
        this.session = session;
    }

    /** A LangChain4j model as it is; closing does nothing (the jar models keep their session for the JVM's life). */
    public static LangChain4jTextEncoder of(EmbeddingModel model) {
        return new LangChain4jTextEncoder(model, null);
    }

    /** LangChain4j's mean-pooling BERT encoder on {@code onnxFile} with the tokenizer read from {@code tokenizerJson} (not closed). */
    public static LangChain4jTextEncoder open(Path onnxFile, InputStream tokenizerJson) {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session;
        try {
            session = environment.createSession(onnxFile.toString());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot open " + onnxFile + ": " + e.getMessage(), e);
        }
        try {
            return new LangChain4jTextEncoder(new FileModel(new OnnxBertBiEncoder(environment, session, tokenizerJson, PoolingMode.MEAN)),
                    session);
        } catch (RuntimeException e) {
            closeSession(session);
            throw e;
        }
    }

    /** A resource of a LangChain4j model's jar ({@code /all-minilm-l6-v2-q.onnx} …), to be closed by the caller. */
    public static InputStream resource(Class<?> owner, String name) {
        InputStream in = owner.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("resource " + name + " is missing from the jar of " + owner.getName());
        }
        return in;
    }

    @Override
    public float[][] encode(List<String> texts) {
        return model.embedAll(texts.stream().map(TextSegment::from).toList()).content().stream().map(Embedding::vector)
                .toArray(float[][]::new);
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public void close() {
        if (session != null) {
            closeSession(session);
        }
    }

    private static void closeSession(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("Cannot close an ONNX Runtime session: " + e.getMessage(), e);
        }
    }

    /** LangChain4j's in-process model around one encoder (its default executor, a thread per core). */
    private static final class FileModel extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        FileModel(OnnxBertBiEncoder encoder) {
            super(null);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }
    }
}
