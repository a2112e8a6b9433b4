package dev.retrievals.cli;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The demo dataset of the main job, written by this project (no third-party text): Chinese
 * customer-service questions built from templates, as scored pairs ({@code sentence1},
 * {@code sentence2}, {@code score} 0–5). Two questions about the same product with the same intent
 * are paraphrases (5); same product, other intent: 2; other product, same intent: 1; otherwise 0.
 * Training and evaluation use different products, so the evaluation measures what generalises.
 */
final class DemoData {
    private static final List<String> TRAIN_PRODUCTS = List.of(
            "信用卡", "借记卡", "花呗", "房贷", "手机银行", "积分", "账单", "退款", "发票", "会员卡", "快递", "话费");
    private static final List<String> EVAL_PRODUCTS = List.of("车贷", "理财产品", "网银", "医保卡", "公交卡", "宽带");
    /** Each intent's paraphrase templates; {@code %s} is the product. */
    private static final List<List<String>> INTENTS = List.of(
            List.of("怎么办理%s", "%s要如何申请", "我想开通%s，流程是什么", "申请%s需要哪些手续"),
            List.of("%s收费吗", "%s的费用是多少", "开通%s要交多少钱", "%s怎么收费"),
            List.of("%s用不了怎么办", "%s出问题了如何处理", "我的%s无法使用了", "%s突然不能用了"),
            List.of("怎么注销%s", "%s可以取消吗", "我不想要%s了，怎么关闭", "如何停用%s"));

    private DemoData() {}

    /** Writes {@code train.jsonl} and {@code eval.jsonl} into {@code folder}; returns their paths. */
    static Map<String, Path> write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path train = folder.resolve("train.jsonl");
        Path eval = folder.resolve("eval.jsonl");
        writeRows(train, pairs(TRAIN_PRODUCTS, 11));
        writeRows(eval, pairs(EVAL_PRODUCTS, 12));
        return Map.of("train", train, "eval", eval);
    }

    /** Every paraphrase pair, and as many sampled non-paraphrase pairs, shuffled. */
    static List<Map<String, Object>> pairs(List<String> products, long seed) {
        Random random = new Random(seed);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String product : products) {
            for (List<String> templates : INTENTS) {
                for (int a = 0; a < templates.size(); a++) {
                    for (int b = a + 1; b < templates.size(); b++) {
                        rows.add(row(String.format(templates.get(a), product), String.format(templates.get(b), product), 5));
                    }
                }
            }
        }
        int paraphrases = rows.size();
        for (int i = 0; i < paraphrases; i++) {
            int p1 = random.nextInt(products.size());
            int p2 = random.nextInt(products.size());
            int i1 = random.nextInt(INTENTS.size());
            int i2 = random.nextInt(INTENTS.size());
            if (p1 == p2 && i1 == i2) {
                i2 = (i2 + 1) % INTENTS.size();
            }
            int score = p1 == p2 ? 2 : i1 == i2 ? 1 : 0;
            String first = String.format(INTENTS.get(i1).get(random.nextInt(4)), products.get(p1));
            String second = String.format(INTENTS.get(i2).get(random.nextInt(4)), products.get(p2));
            rows.add(row(first, second, score));
        }
        java.util.Collections.shuffle(rows, random);
        return rows;
    }

    private static Map<String, Object> row(String first, String second, int score) {
        return Map.of("sentence1", first, "sentence2", second, "score", score);
    }

    private static void writeRows(Path file, List<Map<String, Object>> rows) throws IOException {
        Gson gson = new Gson();
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Map<String, Object> row : rows) {
                out.write(gson.toJson(new java.util.TreeMap<>(row)));
                out.write('\n');
            }
        }
    }
}
