package dev.retrievals.core.onnx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The computation of a model ({@code GraphProto}): nodes in topological order, initializers
 * (the weights), and the graph's inputs and outputs. Indexes the nodes by the tensors they read
 * and write, so following a tensor from node to node is cheap.
 */
public final class OnnxGraph {
    private final String name;
    private final List<OnnxNode> nodes;
    private final Map<String, OnnxTensor> initializers;
    private final List<OnnxValueInfo> inputs;
    private final List<OnnxValueInfo> outputs;
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();
    private final Map<String, OnnxNode> producers = new HashMap<>();

    /** A graph; initializer names must be distinct. */
    public OnnxGraph(String name, List<OnnxNode> nodes, List<OnnxTensor> initializers, List<OnnxValueInfo> inputs,
            List<OnnxValueInfo> outputs) {
        this.name = Objects.requireNonNull(name, "name");
        this.nodes = List.copyOf(nodes);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        Map<String, OnnxTensor> byName = new LinkedHashMap<>();
        for (OnnxTensor initializer : initializers) {
            if (byName.put(initializer.name(), initializer) != null) {
                throw new OnnxFormatException("graph '" + name + "' has two initializers named '"
                        + initializer.name() + "'");
            }
        }
        this.initializers = Collections.unmodifiableMap(byName);
        for (OnnxNode node : this.nodes) {
            for (String input : node.inputs()) {
                List<OnnxNode> readers = consumers.computeIfAbsent(input, k -> new ArrayList<>());
                if (readers.isEmpty() || readers.get(readers.size() - 1) != node) {
                    readers.add(node);
                }
            }
            for (String output : node.outputs()) {
                producers.put(output, node);
            }
        }
    }

    /** A builder that collects nodes, initializers, inputs and outputs in order (for exporters). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Collects a graph piece by piece; {@link #uniqueName} hands out tensor names not used yet. */
    public static final class Builder {
        private final String name;
        private final List<OnnxNode> nodes = new ArrayList<>();
        private final List<OnnxTensor> initializers = new ArrayList<>();
        private final List<OnnxValueInfo> inputs = new ArrayList<>();
        private final List<OnnxValueInfo> outputs = new ArrayList<>();
        private final Map<String, Integer> counters = new HashMap<>();
        private final Set<String> used = new HashSet<>();

        private Builder(String name) {
            this.name = name;
        }

        /** A name starting with {@code prefix} that no tensor or node of this builder has yet. */
        public String uniqueName(String prefix) {
            String candidate = prefix;
            while (used.contains(candidate)) {
                candidate = prefix + "_" + counters.merge(prefix, 1, Integer::sum);
            }
            used.add(candidate);
            return candidate;
        }

        /** Adds a graph input. */
        public Builder input(OnnxValueInfo input) {
            used.add(input.name());
            inputs.add(input);
            return this;
        }

        /** Adds a graph output. */
        public Builder output(OnnxValueInfo output) {
            outputs.add(output);
            return this;
        }

        /** Adds an initializer (a weight or constant) and returns its name. */
        public String initializer(OnnxTensor tensor) {
            used.add(tensor.name());
            initializers.add(tensor);
            return tensor.name();
        }

        /** Adds a node of the default domain with one fresh output named after it; returns that output. */
        public String node(String opType, List<String> nodeInputs, OnnxAttribute... attributes) {
            String output = uniqueName(opType.toLowerCase(Locale.ROOT));
            node(OnnxNode.of(uniqueName(opType), opType, nodeInputs, List.of(output), attributes));
            return output;
        }

        /** Adds a node as given. */
        public Builder node(OnnxNode node) {
            used.add(node.name());
            used.addAll(node.outputs());
            nodes.add(node);
            return this;
        }

        /** The graph built so far. */
        public OnnxGraph build() {
            return new OnnxGraph(name, nodes, initializers, inputs, outputs);
        }
    }

    /** The graph's name. */
    public String name() {
        return name;
    }

    /** The nodes in file (topological) order. */
    public List<OnnxNode> nodes() {
        return nodes;
    }

    /** The initializers in file order. */
    public List<OnnxTensor> initializers() {
        return List.copyOf(initializers.values());
    }

    /** The initializer with the given name, if any. */
    public Optional<OnnxTensor> initializer(String tensorName) {
        return Optional.ofNullable(initializers.get(tensorName));
    }

    /** The graph inputs (some files also list initializers here). */
    public List<OnnxValueInfo> inputs() {
        return inputs;
    }

    /** The graph outputs. */
    public List<OnnxValueInfo> outputs() {
        return outputs;
    }

    /** The nodes that read the named tensor, in graph order (each node once). */
    public List<OnnxNode> consumers(String tensorName) {
        return List.copyOf(consumers.getOrDefault(tensorName, List.of()));
    }

    /** The node that writes the named tensor; empty for graph inputs and initializers. */
    public Optional<OnnxNode> producer(String tensorName) {
        return Optional.ofNullable(producers.get(tensorName));
    }

    /**
     * Names the weights of linear layers after the bias added to their product. For each
     * initializer that is the second input of exactly one MatMul, whose output exactly one Add reads
     * together with an initializer named {@code X.bias}, maps the initializer's name to
     * {@code X.weight}. PyTorch's exporter leaves Hugging Face BERT graphs this way: the weights are
     * anonymous ({@code onnx::MatMul_541}) and stored {@code [in, out]}, the transpose of
     * {@code Linear.weight}. Initializers that do not fit the pattern are left out.
     */
    public Map<String, String> linearWeightNamesFromBiases() {
        Map<String, String> names = new LinkedHashMap<>();
        for (String weight : initializers.keySet()) {
            List<OnnxNode> readers = consumers.getOrDefault(weight, List.of());
            if (readers.size() != 1 || !readers.get(0).opType().equals("MatMul")
                    || readers.get(0).inputs().size() != 2 || !readers.get(0).inputs().get(1).equals(weight)) {
                continue;
            }
            List<OnnxNode> adds = consumers.getOrDefault(readers.get(0).outputs().get(0), List.of());
            if (adds.size() != 1 || !adds.get(0).opType().equals("Add")) {
                continue;
            }
            adds.get(0).inputs().stream()
                    .filter(input -> input.endsWith(".bias") && initializers.containsKey(input))
                    .findFirst()
                    .ifPresent(bias -> names.put(weight, bias.substring(0, bias.length() - ".bias".length())
                            + ".weight"));
        }
        return names;
    }

    /** The nodes running the given operator, in graph order. */
    public List<OnnxNode> nodesOfType(String opType) {
        return nodes.stream().filter(n -> n.opType().equals(opType)).toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OnnxGraph that && name.equals(that.name) && nodes.equals(that.nodes)
                && initializers.equals(that.initializers) && List.copyOf(initializers.keySet())
                        .equals(List.copyOf(that.initializers.keySet()))
                && inputs.equals(that.inputs) && outputs.equals(that.outputs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, nodes, initializers.keySet(), inputs, outputs);
    }

    @Override
    public String toString() {
        return "OnnxGraph[" + name + ", " + nodes.size() + " nodes, " + initializers.size() + " initializers]";
    }
}
