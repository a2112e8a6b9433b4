package dev.retrievals.pytorch.arch;

import com.google.auto.service.AutoService;
import dev.retrievals.core.model.ModelArchitecture;
import dev.retrievals.core.spi.PluginKinds;
import dev.retrievals.core.spi.PluginProvider;
import dev.retrievals.core.spi.SimplePluginProvider;
import dev.retrievals.pytorch.TransformerConfig;

/**
 * Hugging Face's {@code RobertaModel} and {@code XLMRobertaModel}: BERT's layers with position ids
 * that skip padding and start at {@code pad_token_id + 1}. Token types are used only when the
 * config has more than one ({@code type_vocab_size} is 1 for the published checkpoints).
 */
public final class RobertaArchitecture extends BertArchitecture {
    private final String modelType;

    private RobertaArchitecture(String modelType) {
        this.modelType = modelType;
    }

    @Override
    public String modelType() {
        return modelType;
    }

    @Override
    protected <T> T positionIds(EncoderOps<T> ops, TransformerConfig config, T inputIds) {
        return ops.paddingAwarePositionIds(inputIds, config.padTokenId());
    }

    /** Registers RoBERTa under {@code model_type} {@code roberta}. */
    @AutoService(PluginProvider.class)
    public static final class RobertaProvider extends SimplePluginProvider<ModelArchitecture> {
        /** Called by {@link java.util.ServiceLoader}. */
        public RobertaProvider() {
            super(PluginKinds.ARCHITECTURE, "roberta", "Hugging Face RoBERTa encoder (padding-aware position ids).",
                    () -> new RobertaArchitecture("roberta"));
        }
    }

    /** Registers XLM-RoBERTa under {@code model_type} {@code xlm-roberta} (plugin name {@code xlm_roberta}). */
    @AutoService(PluginProvider.class)
    public static final class XlmRobertaProvider extends SimplePluginProvider<ModelArchitecture> {
        /** Called by {@link java.util.ServiceLoader}. */
        public XlmRobertaProvider() {
            super(PluginKinds.ARCHITECTURE, "xlm_roberta", "Hugging Face XLM-RoBERTa encoder (RoBERTa layout, multilingual).",
                    () -> new RobertaArchitecture("xlm-roberta"));
        }
    }
}
