package dev.retrievals.core.onnx;

import java.util.Map;

/**
 * Turns an {@link OnnxModel} into protobuf messages in ONNX's schema. Tensors are always written
 * as {@code raw_data}, by reference to their buffers.
 */
final class OnnxProtoWriter {
    private OnnxProtoWriter() {}

    static ProtoMessage encodeModel(OnnxModel model) {
        ProtoMessage message = new ProtoMessage().varint(OnnxSchema.Model.IR_VERSION, model.irVersion());
        if (!model.producerName().isEmpty()) {
            message.string(OnnxSchema.Model.PRODUCER_NAME, model.producerName());
        }
        if (!model.producerVersion().isEmpty()) {
            message.string(OnnxSchema.Model.PRODUCER_VERSION, model.producerVersion());
        }
        message.message(OnnxSchema.Model.GRAPH, encodeGraph(model.graph()));
        for (OnnxOpsetImport opset : model.opsetImports()) {
            message.message(OnnxSchema.Model.OPSET_IMPORT, new ProtoMessage()
                    .string(OnnxSchema.OpsetId.DOMAIN, opset.domain())
                    .varint(OnnxSchema.OpsetId.VERSION, opset.version()));
        }
        for (Map.Entry<String, String> entry : model.metadataProps().entrySet()) {
            message.message(OnnxSchema.Model.METADATA_PROPS, new ProtoMessage()
                    .string(OnnxSchema.Entry.KEY, entry.getKey())
                    .string(OnnxSchema.Entry.VALUE, entry.getValue()));
        }
        return message;
    }

    private static ProtoMessage encodeGraph(OnnxGraph graph) {
        ProtoMessage message = new ProtoMessage();
        for (OnnxNode node : graph.nodes()) {
            message.message(OnnxSchema.Graph.NODE, encodeNode(node));
        }
        message.string(OnnxSchema.Graph.NAME, graph.name());
        for (OnnxTensor initializer : graph.initializers()) {
            message.message(OnnxSchema.Graph.INITIALIZER, encodeTensor(initializer));
        }
        for (OnnxValueInfo input : graph.inputs()) {
            message.message(OnnxSchema.Graph.INPUT, encodeValueInfo(input));
        }
        for (OnnxValueInfo output : graph.outputs()) {
            message.message(OnnxSchema.Graph.OUTPUT, encodeValueInfo(output));
        }
        return message;
    }

    private static ProtoMessage encodeNode(OnnxNode node) {
        ProtoMessage message = new ProtoMessage();
        node.inputs().forEach(input -> message.string(OnnxSchema.Node.INPUT, input));
        node.outputs().forEach(output -> message.string(OnnxSchema.Node.OUTPUT, output));
        if (!node.name().isEmpty()) {
            message.string(OnnxSchema.Node.NAME, node.name());
        }
        message.string(OnnxSchema.Node.OP_TYPE, node.opType());
        for (OnnxAttribute attribute : node.attributes()) {
            message.message(OnnxSchema.Node.ATTRIBUTE, encodeAttribute(attribute));
        }
        if (!node.domain().isEmpty()) {
            message.string(OnnxSchema.Node.DOMAIN, node.domain());
        }
        return message;
    }

    private static ProtoMessage encodeAttribute(OnnxAttribute attribute) {
        ProtoMessage message = new ProtoMessage().string(OnnxSchema.Attribute.NAME, attribute.name());
        switch (attribute.type()) {
            case FLOAT -> message.float32(OnnxSchema.Attribute.F, attribute.floatValue());
            case INT -> message.varint(OnnxSchema.Attribute.I, attribute.intValue());
            case STRING -> message.string(OnnxSchema.Attribute.S, attribute.stringValue());
            case TENSOR -> message.message(OnnxSchema.Attribute.T, encodeTensor(attribute.tensorValue()));
            case FLOATS -> {
                for (float value : attribute.floatsValue()) {
                    message.float32(OnnxSchema.Attribute.FLOATS, value);
                }
            }
            case INTS -> {
                for (long value : attribute.intsValue()) {
                    message.varint(OnnxSchema.Attribute.INTS, value);
                }
            }
            case STRINGS -> attribute.stringsValue().forEach(s -> message.string(OnnxSchema.Attribute.STRINGS, s));
            default -> throw new IllegalStateException("unhandled attribute type " + attribute.type());
        }
        return message.varint(OnnxSchema.Attribute.TYPE, attribute.type().code());
    }

    private static ProtoMessage encodeTensor(OnnxTensor tensor) {
        ProtoMessage message = new ProtoMessage();
        for (long dim : tensor.dims()) {
            message.varint(OnnxSchema.Tensor.DIMS, dim);
        }
        message.varint(OnnxSchema.Tensor.DATA_TYPE, tensor.dataType().code());
        if (!tensor.name().isEmpty()) {
            message.string(OnnxSchema.Tensor.NAME, tensor.name());
        }
        return message.bytes(OnnxSchema.Tensor.RAW_DATA, tensor.data());
    }

    private static ProtoMessage encodeValueInfo(OnnxValueInfo value) {
        ProtoMessage tensorType = new ProtoMessage().varint(OnnxSchema.Type.TENSOR_ELEM_TYPE,
                value.elementType().code());
        if (value.hasShape()) {
            ProtoMessage shape = new ProtoMessage();
            for (OnnxDimension dim : value.shape()) {
                ProtoMessage encoded = new ProtoMessage();
                if (dim.isFixed()) {
                    encoded.varint(OnnxSchema.Shape.DIM_VALUE, dim.value());
                } else if (dim.param() != null) {
                    encoded.string(OnnxSchema.Shape.DIM_PARAM, dim.param());
                }
                shape.message(OnnxSchema.Shape.DIM, encoded);
            }
            tensorType.message(OnnxSchema.Type.TENSOR_SHAPE, shape);
        }
        return new ProtoMessage()
                .string(OnnxSchema.ValueInfo.NAME, value.name())
                .message(OnnxSchema.ValueInfo.TYPE, new ProtoMessage().message(OnnxSchema.Type.TENSOR_TYPE, tensorType));
    }
}
