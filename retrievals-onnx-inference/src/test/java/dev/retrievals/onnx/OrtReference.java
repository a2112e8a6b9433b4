package dev.retrievals.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.retrievals.core.collator.TokenBatch;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helper: runs an ONNX file in ONNX Runtime on one token batch and returns every output, flattened. */
final class OrtReference {
    private OrtReference() {}

    static Map<String, float[]> run(Path onnxFile, TokenBatch batch) throws Exception {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(onnxFile.toString(), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
            try {
                for (String name : session.getInputNames()) {
                    long[][] values = switch (name) {
                        case "input_ids" -> batch.inputIds();
                        case "attention_mask" -> batch.attentionMask();
                        case "token_type_ids" -> batch.tokenTypeIds();
                        default -> throw new IllegalArgumentException("unexpected input " + name);
                    };
                    inputs.put(name, OnnxTensor.createTensor(environment, values));
                }
                Map<String, float[]> outputs = new LinkedHashMap<>();
                try (OrtSession.Result result = session.run(inputs)) {
                    for (Map.Entry<String, OnnxValue> output : result) {
                        outputs.put(output.getKey(), ((OnnxTensor) output.getValue()).getFloatBuffer().array());
                    }
                }
                return outputs;
            } finally {
                inputs.values().forEach(OnnxTensor::close);
            }
        }
    }
}
