package dev.retrievals.cli;

import dev.retrievals.cli.report.TrainingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code retrievals report RUN_DIR}: (re)writes a run's {@code report.html} and plots, also for a stopped or running run. */
@Command(name = "report", description = "Write RUN_DIR/report.html: loss, learning rate, gradient norm, tokens/s and every"
        + " evaluation metric over steps (PNG plots), the before/after table and the configuration. Works for a stopped run too.")
final class ReportCommand extends CliCommand {
    @Parameters(paramLabel = "RUN_DIR", description = "A training output folder (--output-dir of 'train'; it holds metrics.jsonl).")
    Path runFolder;

    @Override
    protected int run() {
        if (!Files.isDirectory(runFolder)) {
            throw new UsageException("run folder " + runFolder + " does not exist");
        }
        TrainingReport report = TrainingReport.write(runFolder);
        out().println("report: " + report.html() + " (" + report.charts().size() + " plots)");
        return 0;
    }
}
