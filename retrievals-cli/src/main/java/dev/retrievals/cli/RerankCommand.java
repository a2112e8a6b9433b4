package dev.retrievals.cli;

import com.google.gson.Gson;
import dev.retrievals.core.eval.EvaluationResult;
import dev.retrievals.core.rerank.PairScorer;
import dev.retrievals.trainer.eval.RerankingEvaluator;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code retrievals rerank --model RERANKER --first-stage ID|PATH --data BEIR_DIR [--split S]
 * [--top-k N] --output FILE}: the first stage retrieves each judged query's top-k, the reranker
 * reorders them, and the reranked lists are written as JSON Lines (one query a line: its id and
 * its documents' ids and scores, best first); nDCG@10 of both stages is printed.
 */
@Command(name = "rerank", description = {"Rerank the top-k documents that a first-stage embedding model retrieves for each judged"
        + " query of a BEIR folder, and write the reranked lists as JSON Lines ({\"query_id\", \"hits\": [{\"id\", \"score\"}, ...]}).",
    "Prints nDCG@10, MRR@10 and MAP@k of the first stage and of the reranked lists."})
final class RerankCommand extends CliCommand {
    /** Texts per ONNX Runtime call of the first stage. */
    private static final int FIRST_STAGE_BATCH = 32;

    @Mixin
    ModelSelection selection;

    @Mixin
    EngineSelection engine;

    @Option(names = "--first-stage", required = true, paramLabel = "ID|PATH", description = "The embedding model that retrieves the"
            + " candidates.")
    String firstStage;

    @Option(names = "--data", required = true, paramLabel = "BEIR_DIR", description = "A BEIR folder (corpus.jsonl, queries.jsonl,"
            + " qrels/SPLIT.tsv); its judged queries are reranked.")
    String data;

    @Option(names = "--split", paramLabel = "S", description = "The qrels split: qrels/S.tsv (default: test).")
    String split;

    @Option(names = "--top-k", paramLabel = "N", description = "Candidates per query (default: 100).")
    Integer topK;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "The reranked lists (JSON Lines), written"
            + " whole or not at all.")
    Path output;

    @Override
    protected int run() throws Exception {
        try (PairScorer reranker = Rerankers.open(selection, engine, name());
                ModelEncoders.Opened first = Rerankers.firstStage(firstStage, selection, engine, FIRST_STAGE_BATCH)) {
            RerankingEvaluator evaluator = Rerankers.evaluator(EvaluateCommand.existing(data), first.encoder(), split, topK);
            List<RerankingEvaluator.RerankedQuery> reranked = evaluator.rerank(reranker);
            write(reranked);
            EvaluationResult metrics = evaluator.metrics(reranked);
            metrics.metrics().forEach((name, value) -> out().printf(Locale.ROOT, "%-24s %.4f%n", name, value));
            out().println("reranked " + reranked.size() + " queries: " + output);
        }
        return 0;
    }

    /** Writes the lists to a temporary file beside the output, then moves it into place. */
    private void write(List<RerankingEvaluator.RerankedQuery> reranked) throws Exception {
        Path target = output.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".partial");
        try {
            Gson gson = new Gson();
            try (BufferedWriter writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                for (RerankingEvaluator.RerankedQuery query : reranked) {
                    List<Map<String, Object>> hits = new ArrayList<>();
                    for (int i = 0; i < query.documentIds().size(); i++) {
                        Map<String, Object> hit = new LinkedHashMap<>();
                        hit.put("id", query.documentIds().get(i));
                        hit.put("score", query.scores()[i]);
                        hits.add(hit);
                    }
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("query_id", query.queryId());
                    line.put("hits", hits);
                    writer.write(gson.toJson(line));
                    writer.newLine();
                }
            }
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
