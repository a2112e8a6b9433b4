package dev.retrievals.springai;

import dev.retrievals.core.RetrievalsException;
import dev.retrievals.onnx.OnnxEncoder;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot auto-configuration: with {@code retrievals.embedding.model=PATH} the context gets an
 * {@link OnnxEncoder} and a Spring AI {@link EmbeddingModel} over it ({@link SpringAiEmbeddingModel}),
 * unless the application defines its own. It runs before Spring AI's ONNX transformers
 * auto-configuration, so with both on the class path this model is the one used.
 */
@AutoConfiguration(beforeName = "org.springframework.ai.model.transformers.autoconfigure.TransformersEmbeddingModelAutoConfiguration")
@ConditionalOnClass({EmbeddingModel.class, OnnxEncoder.class})
@ConditionalOnProperty(prefix = RetrievalsEmbeddingProperties.PREFIX, name = "model")
@EnableConfigurationProperties(RetrievalsEmbeddingProperties.class)
public class RetrievalsEmbeddingAutoConfiguration {

    /** The ONNX Runtime encoder; the context closes it. A bad setting fails start-up naming the property. */
    @Bean
    @ConditionalOnMissingBean
    public OnnxEncoder retrievalsOnnxEncoder(RetrievalsEmbeddingProperties properties) {
        String property = RetrievalsEmbeddingProperties.PREFIX + ".model";
        try {
            OnnxEncoder.Builder builder = OnnxEncoder.builder(properties.model());
            if (properties.pooling() != null) {
                builder.pooling(properties.pooling());
            }
            if (properties.normalize() != null) {
                builder.normalize(properties.normalize());
            }
            if (properties.queryPrompt() != null || properties.documentPrompt() != null) {
                builder.prompts(orEmpty(properties.queryPrompt()), orEmpty(properties.documentPrompt()));
            }
            if (properties.maxLength() != null) {
                builder.maxLength(properties.maxLength());
            }
            if (properties.batchSize() != null) {
                builder.batchSize(properties.batchSize());
            }
            if (properties.intraOpThreads() != null) {
                builder.intraOpThreads(properties.intraOpThreads());
            }
            if (properties.device() != null) {
                builder.device(properties.device());
            }
            return builder.build();
        } catch (RetrievalsException e) {
            throw new IllegalStateException("Cannot serve " + property + "=" + properties.model() + ": " + e.getMessage(), e);
        }
    }

    /** The Spring AI embedding model over the encoder. */
    @Bean
    @ConditionalOnMissingBean(EmbeddingModel.class)
    public SpringAiEmbeddingModel retrievalsEmbeddingModel(OnnxEncoder encoder) {
        return new SpringAiEmbeddingModel(encoder);
    }

    private static String orEmpty(String prompt) {
        return prompt == null ? "" : prompt;
    }
}
