package dev.retrievals.core.onnx;

import static dev.retrievals.core.onnx.ProtoReader.FIXED32;
import static dev.retrievals.core.onnx.ProtoReader.LENGTH_DELIMITED;
import static dev.retrievals.core.onnx.ProtoReader.VARINT;
import static dev.retrievals.core.onnx.ProtoReader.fieldNumber;
import static dev.retrievals.core.onnx.ProtoReader.wireType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns the bytes of an ONNX file into an {@link OnnxModel}; errors name the source and the place. */
final class OnnxProtoReader {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxProtoReader.class);

    private final String source;

    OnnxProtoReader(String source) {
        this.source = source;
    }

    OnnxModel decodeModel(byte[] bytes) {
        if (bytes.length == 0) {
            throw fail("file", "it is empty, expected an ONNX model (protobuf ModelProto)");
        }
        ProtoReader reader = new ProtoReader(bytes, 0, bytes.length, source);
        long irVersion = 0;
        String producerName = "";
        String producerVersion = "";
        OnnxGraph graph = null;
        List<OnnxOpsetImport> opsets = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        while (reader.hasMore()) {
            int tag = reader.readTag();
            switch (fieldNumber(tag)) {
                case OnnxSchema.Model.IR_VERSION -> irVersion = varint(reader, tag, "ir_version");
                case OnnxSchema.Model.PRODUCER_NAME -> producerName = string(reader, tag, "producer_name");
                case OnnxSchema.Model.PRODUCER_VERSION -> producerVersion = string(reader, tag, "producer_version");
                case OnnxSchema.Model.GRAPH -> graph = decodeGraph(message(reader, tag, "graph"));
                case OnnxSchema.Model.OPSET_IMPORT -> opsets.add(decodeOpset(message(reader, tag, "opset_import")));
                case OnnxSchema.Model.METADATA_PROPS -> decodeEntry(message(reader, tag, "metadata_props"), metadata);
                case OnnxSchema.Model.FUNCTIONS -> throw fail("model", "it defines model-local functions "
                        + "(ModelProto.functions), which are not supported");
                default -> reader.skip(wireType(tag));
            }
        }
        if (graph == null) {
            throw fail("model", "no graph (ModelProto field 7) found: this is not an ONNX model");
        }
        if (irVersion <= 0) {
            throw fail("model", "ir_version is missing or " + irVersion + ": this is not an ONNX model");
        }
        if (opsets.isEmpty()) {
            throw fail("model", "no opset_import: this is not a complete ONNX model (truncated file?)");
        }
        try {
            return new OnnxModel(irVersion, producerName, producerVersion, opsets, metadata, graph);
        } catch (IllegalArgumentException e) {
            throw fail("model", e.getMessage());
        }
    }

    private OnnxOpsetImport decodeOpset(ProtoReader reader) {
        String domain = "";
        long version = 0;
        while (reader.hasMore()) {
            int tag = reader.readTag();
            switch (fieldNumber(tag)) {
                case OnnxSchema.OpsetId.DOMAIN -> domain = string(reader, tag, "opset_import.domain");
                case OnnxSchema.OpsetId.VERSION -> version = varint(reader, tag, "opset_import.version");
                default -> reader.skip(wireType(tag));
            }
        }
        try {
            return new OnnxOpsetImport(domain, version);
        } catch (IllegalArgumentException e) {
            throw fail("opset_import", e.getMessage());
        }
    }

    private void decodeEntry(ProtoReader reader, Map<String, String> into) {
        String key = "";
        String value = "";
        while (reader.hasMore()) {
            int tag = reader.readTag();
            switch (fieldNumber(tag)) {
                case OnnxSchema.Entry.KEY -> key = string(reader, tag, "key");
                case OnnxSchema.Entry.VALUE -> value = string(reader, tag, "value");
                default -> reader.skip(wireType(tag));
            }
        }
        into.put(key, value);
    }

    private OnnxGraph decodeGraph(ProtoReader reader) {
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        List<OnnxTensor> initializers = new ArrayList<>();
        List<OnnxValueInfo> inputs = new ArrayList<>();
        List<OnnxValueInfo> outputs = new ArrayList<>();
        int skipped = 0;
        while (reader.hasMore()) {
            int tag = reader.readTag();
            switch (fieldNumber(tag)) {
                case OnnxSchema.Graph.NODE -> nodes.add(decodeNode(message(reader, tag, "node"), nodes.size()));
                case OnnxSchema.Graph.NAME -> name = string(reader, tag, "graph.name");
                case OnnxSchema.Graph.INITIALIZER -> initializers.add(
                        decodeTensor(message(reader, tag, "initializer"), "initializer #" + initializers.size()));
                case OnnxSchema.Graph.INPUT -> inputs.add(decodeValueInfo(message(reader, tag, "input"), "graph input"));
                case OnnxSchema.Graph.OUTPUT -> outputs.add(
                        decodeValueInfo(message(reader, tag, "output"), "graph output"));
                case OnnxSchema.Graph.SPARSE_INITIALIZER -> throw fail("graph", "it has sparse initializers, "
                        + "which are not supported");
                default -> {
                    reader.skip(wireType(tag));
                    skipped++;
                }
            }
        }
        if (skipped > 0) {
            LOG.debug("{}: skipped {} graph fields not kept here (value_info, doc_string, annotations)", source,
                    skipped);
        }
        try {
            return new OnnxGraph(name, nodes, initializers, inputs, outputs);
        } catch (OnnxFormatException e) {
            throw fail("graph", e.getMessage());
        }
    }

    private OnnxNode decodeNode(ProtoReader reader, int index) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<ProtoReader> attributes = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        while (reader.hasMore()) {
            int tag = reader.readTag();
            switch (fieldNumber(tag)) {
                case OnnxSchema.Node.INPUT -> inputs.add(string(reader, tag, "node.input"));
                case OnnxSchema.Node.OUTPUT -> outputs.add(string(reader, tag, "node.output"));
                case OnnxSchema.Node.NAME -> name = string(reader, tag, "node.name");
                case OnnxSchema.Node.OP_TYPE -> opType = string(reader, tag, "node.op_type");
                case OnnxSchema.Node.DOMAIN -> domain = string(reader, tag, "node.domain");
                case OnnxSchema.Node.ATTRIBUTE -> attributes.add(message(reader, tag, "node.attribute"));
                default -> reader.skip(wireType(tag));
            }
        }
        String where = "node #" + index + " '" + name + "' (" + opType + ")";
        List<OnnxAttribute> decoded = new ArrayList<>();
        for (ProtoReader attribute : attributes) {
            decoded.add(decodeAttribute(attribute, where));
        }
        try {
            return new OnnxNode(name, opType, domain, inputs, outputs, decoded);
        } catch (IllegalArgumentException e) {
            throw fail(where, e.getMessage());
        }
    }

    private OnnxAttribute decodeAttribute(ProtoReader reader, String node) {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = "";
        OnnxTensor t = null;
        List<ByteBuffer> floats = new ArrayList<>();
        LongArray ints = new LongArray();
        List<String> strings = new ArrayList<>();
        String unsupported = null;
        while (reader.hasMore()) {
            int tag = reader.readTag();
            switch (fieldNumber(tag)) {
                case OnnxSchema.Attribute.NAME -> name = string(reader, tag, "attribute.name");
                case OnnxSchema.Attribute.TYPE -> type = (int) varint(reader, tag, "attribute.type");
                case OnnxSchema.Attribute.F -> f = Float.intBitsToFloat(fixed32(reader, tag, "attribute.f"));
                case OnnxSchema.Attribute.I -> i = varint(reader, tag, "attribute.i");
                case OnnxSchema.Attribute.S -> s = string(reader, tag, "attribute.s");
                case OnnxSchema.Attribute.T -> t = decodeTensor(message(reader, tag, "attribute.t"), node + " attribute");
                case OnnxSchema.Attribute.FLOATS -> floats.add(reader.readFixedWidthBytes(tag, 4));
                case OnnxSchema.Attribute.INTS -> reader.readVarints(tag, ints);
                case OnnxSchema.Attribute.STRINGS -> strings.add(string(reader, tag, "attribute.strings"));
                case OnnxSchema.Attribute.G, OnnxSchema.Attribute.GRAPHS -> {
                    unsupported = "a sub-graph (If, Loop, Scan)";
                    reader.skip(wireType(tag));
                }
                case OnnxSchema.Attribute.TENSORS, OnnxSchema.Attribute.SPARSE_TENSOR,
                        OnnxSchema.Attribute.SPARSE_TENSORS -> {
                    unsupported = "a list of tensors or a sparse tensor";
                    reader.skip(wireType(tag));
                }
                default -> reader.skip(wireType(tag));
            }
        }
        String where = node + " attribute '" + name + "'";
        if (unsupported != null) {
            throw fail(where, "it holds " + unsupported + ", which is not supported");
        }
        if (type == 0) {
            type = inferAttributeType(f, i, s, t, floats, ints, strings);
        }
        try {
            return switch (type) {
                case 1 -> OnnxAttribute.ofFloat(name, f);
                case 2 -> OnnxAttribute.ofInt(name, i);
                case 3 -> OnnxAttribute.ofString(name, s);
                case 4 -> {
                    if (t == null) {
                        throw fail(where, "type TENSOR but no tensor value");
                    }
                    yield OnnxAttribute.ofTensor(name, t);
                }
                case 6 -> OnnxAttribute.ofFloats(name, toFloats(concat(floats)));
                case 7 -> OnnxAttribute.ofInts(name, ints.toArray());
                case 8 -> OnnxAttribute.ofStrings(name, strings);
                default -> throw fail(where, "attribute type " + type + " is not supported (expected FLOAT, INT, "
                        + "STRING, TENSOR, FLOATS, INTS or STRINGS)");
            };
        } catch (IllegalArgumentException e) {
            throw fail(where, e.getMessage());
        }
    }

    /** Files older than IR version 2 have no type field: the value field present tells the type. */
    private static int inferAttributeType(float f, long i, String s, OnnxTensor t, List<ByteBuffer> floats,
            LongArray ints, List<String> strings) {
        if (t != null) {
            return 4;
        } else if (!floats.isEmpty()) {
            return 6;
        } else if (ints.size() > 0) {
            return 7;
        } else if (!strings.isEmpty()) {
            return 8;
        } else if (!s.isEmpty()) {
            return 3;
        } else if (f != 0) {
            return 1;
        }
        return i != 0 ? 2 : 0;
    }

    private OnnxTensor decodeTensor(ProtoReader reader, String context) {
        LongArray dims = new LongArray();
        int dataType = 0;
        String name = "";
        ByteBuffer raw = null;
        List<ByteBuffer> fixedWidth = new ArrayList<>();
        LongArray varints = new LongArray();
        String externalLocation = null;
        boolean external = false;
        while (reader.hasMore()) {
            int tag = reader.readTag();
            switch (fieldNumber(tag)) {
                case OnnxSchema.Tensor.DIMS -> reader.readVarints(tag, dims);
                case OnnxSchema.Tensor.DATA_TYPE -> dataType = (int) varint(reader, tag, "tensor.data_type");
                case OnnxSchema.Tensor.NAME -> name = string(reader, tag, "tensor.name");
                case OnnxSchema.Tensor.RAW_DATA -> {
                    reader.expectWireType(tag, LENGTH_DELIMITED, "tensor.raw_data");
                    raw = reader.readBytes();
                }
                case OnnxSchema.Tensor.FLOAT_DATA -> fixedWidth.add(reader.readFixedWidthBytes(tag, 4));
                case OnnxSchema.Tensor.DOUBLE_DATA -> fixedWidth.add(reader.readFixedWidthBytes(tag, 8));
                case OnnxSchema.Tensor.INT32_DATA, OnnxSchema.Tensor.INT64_DATA, OnnxSchema.Tensor.UINT64_DATA ->
                        reader.readVarints(tag, varints);
                case OnnxSchema.Tensor.STRING_DATA -> throw fail(context + " '" + name + "'",
                        "string tensors are not supported");
                case OnnxSchema.Tensor.SEGMENT -> throw fail(context + " '" + name + "'",
                        "segmented tensors are not supported");
                case OnnxSchema.Tensor.EXTERNAL_DATA -> {
                    external = true;
                    Map<String, String> entry = new LinkedHashMap<>();
                    decodeEntry(message(reader, tag, "tensor.external_data"), entry);
                    externalLocation = entry.getOrDefault("location", externalLocation);
                }
                case OnnxSchema.Tensor.DATA_LOCATION -> external |= varint(reader, tag, "tensor.data_location")
                        == OnnxSchema.Tensor.DATA_LOCATION_EXTERNAL;
                default -> reader.skip(wireType(tag));
            }
        }
        String where = context + " '" + name + "'";
        if (external) {
            throw fail(where, "its data is in an external file (" + (externalLocation == null ? "no location"
                    : "location '" + externalLocation + "'") + "); only self-contained ONNX files are supported");
        }
        try {
            OnnxDataType type = OnnxDataType.fromCode(dataType);
            ByteBuffer data;
            if (raw != null) {
                data = raw;
            } else if (!fixedWidth.isEmpty()) {
                data = concat(fixedWidth);
            } else {
                data = narrow(varints, type);
            }
            return OnnxTensor.of(name, type, dims.toArray(), data);
        } catch (OnnxFormatException | IllegalArgumentException | ArithmeticException e) {
            throw fail(where, e.getMessage());
        }
    }

    /** Integer fields hold one varint per element; raw data holds each in the type's width. */
    private static ByteBuffer narrow(LongArray values, OnnxDataType type) {
        int width = type.byteSize();
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(values.size(), width)).order(ByteOrder.LITTLE_ENDIAN);
        for (int index = 0; index < values.size(); index++) {
            long value = values.get(index);
            for (int b = 0; b < width; b++) {
                bytes.put((byte) (value >>> (8 * b)));
            }
        }
        return bytes.flip();
    }

    private static float[] toFloats(ByteBuffer littleEndian) {
        float[] values = new float[littleEndian.remaining() / 4];
        littleEndian.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static ByteBuffer concat(List<ByteBuffer> chunks) {
        if (chunks.isEmpty()) {
            return ByteBuffer.allocate(0);
        }
        if (chunks.size() == 1) {
            return chunks.get(0);
        }
        int total = chunks.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer joined = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        chunks.forEach(chunk -> joined.put(chunk.duplicate()));
        return joined.flip();
    }

    private OnnxValueInfo decodeValueInfo(ProtoReader reader, String context) {
        String name = "";
        ProtoReader type = null;
        while (reader.hasMore()) {
            int tag = reader.readTag();
            switch (fieldNumber(tag)) {
                case OnnxSchema.ValueInfo.NAME -> name = string(reader, tag, "value_info.name");
                case OnnxSchema.ValueInfo.TYPE -> type = message(reader, tag, "value_info.type");
                default -> reader.skip(wireType(tag));
            }
        }
        String where = context + " '" + name + "'";
        if (type == null) {
            throw fail(where, "it has no type");
        }
        ProtoReader tensorType = null;
        while (type.hasMore()) {
            int tag = type.readTag();
            if (fieldNumber(tag) == OnnxSchema.Type.TENSOR_TYPE) {
                tensorType = message(type, tag, "type.tensor_type");
            } else if (wireType(tag) == LENGTH_DELIMITED && fieldNumber(tag) != 6) {
                throw fail(where, "it is not a tensor (TypeProto field " + fieldNumber(tag)
                        + "); only tensor inputs and outputs are supported");
            } else {
                type.skip(wireType(tag));
            }
        }
        if (tensorType == null) {
            throw fail(where, "its type is not a tensor type");
        }
        int elementType = 0;
        List<OnnxDimension> shape = null;
        while (tensorType.hasMore()) {
            int tag = tensorType.readTag();
            switch (fieldNumber(tag)) {
                case OnnxSchema.Type.TENSOR_ELEM_TYPE -> elementType = (int) varint(tensorType, tag, "elem_type");
                case OnnxSchema.Type.TENSOR_SHAPE -> shape = decodeShape(message(tensorType, tag, "shape"), where);
                default -> tensorType.skip(wireType(tag));
            }
        }
        try {
            return new OnnxValueInfo(name, OnnxDataType.fromCode(elementType), shape);
        } catch (OnnxFormatException e) {
            throw fail(where, e.getMessage());
        }
    }

    private List<OnnxDimension> decodeShape(ProtoReader reader, String where) {
        List<OnnxDimension> dims = new ArrayList<>();
        while (reader.hasMore()) {
            int tag = reader.readTag();
            if (fieldNumber(tag) != OnnxSchema.Shape.DIM) {
                reader.skip(wireType(tag));
                continue;
            }
            ProtoReader dim = message(reader, tag, "shape.dim");
            OnnxDimension decoded = OnnxDimension.unknown();
            while (dim.hasMore()) {
                int dimTag = dim.readTag();
                switch (fieldNumber(dimTag)) {
                    case OnnxSchema.Shape.DIM_VALUE -> {
                        long value = varint(dim, dimTag, "dim_value");
                        if (value < 0) {
                            throw fail(where, "dim_value " + value + " is negative");
                        }
                        decoded = OnnxDimension.fixed(value);
                    }
                    case OnnxSchema.Shape.DIM_PARAM -> {
                        String param = string(dim, dimTag, "dim_param");
                        decoded = param.isEmpty() ? OnnxDimension.unknown() : OnnxDimension.dynamic(param);
                    }
                    default -> dim.skip(wireType(dimTag));
                }
            }
            dims.add(decoded);
        }
        return dims;
    }

    private static long varint(ProtoReader reader, int tag, String field) {
        reader.expectWireType(tag, VARINT, field);
        return reader.readVarint();
    }

    private static int fixed32(ProtoReader reader, int tag, String field) {
        reader.expectWireType(tag, FIXED32, field);
        return reader.readFixed32();
    }

    private static String string(ProtoReader reader, int tag, String field) {
        reader.expectWireType(tag, LENGTH_DELIMITED, field);
        return reader.readString();
    }

    private static ProtoReader message(ProtoReader reader, int tag, String field) {
        reader.expectWireType(tag, LENGTH_DELIMITED, field);
        return reader.readMessage();
    }

    private OnnxFormatException fail(String where, String problem) {
        return new OnnxFormatException(source + ": " + where + ": " + problem);
    }
}
