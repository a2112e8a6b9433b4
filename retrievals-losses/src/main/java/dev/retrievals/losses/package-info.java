/**
 * The built-in training losses, one per file, each registered under a name with
 * {@link dev.retrievals.core.spi.PluginKinds#LOSS}:
 *
 * <table>
 *   <caption>Losses by name</caption>
 *   <tr><th>name</th><th>class</th><th>inputs</th></tr>
 *   <tr><td>{@code infonce}</td><td>{@link dev.retrievals.losses.InfoNCE}</td><td>query, positive, optional negative</td></tr>
 *   <tr><td>{@code simcse}</td><td>{@link dev.retrievals.losses.SimCSE}</td><td>query, positive (two passes); negative when supervised</td></tr>
 *   <tr><td>{@code triplet}</td><td>{@link dev.retrievals.losses.TripletLoss}</td><td>query, positive, negative</td></tr>
 *   <tr><td>{@code arcface}</td><td>{@link dev.retrievals.losses.ArcFaceAdaptiveMarginLoss}</td><td>text, label (stateful)</td></tr>
 *   <tr><td>{@code cosent}</td><td>{@link dev.retrievals.losses.CoSENT}</td><td>query, positive, score</td></tr>
 *   <tr><td>{@code angle}</td><td>{@link dev.retrievals.losses.AnglE}</td><td>query, positive, score</td></tr>
 *   <tr><td>{@code margin_mse}</td><td>{@link dev.retrievals.losses.MarginMSE}</td><td>query, positive, negative, teacher_score</td></tr>
 *   <tr><td>{@code distill_kl_div}</td><td>{@link dev.retrievals.losses.DistillKLDiv}</td><td>query, positive, negative, teacher_score</td></tr>
 *   <tr><td>{@code matryoshka}</td><td>{@link dev.retrievals.losses.Matryoshka}</td><td>those of its inner loss</td></tr>
 * </table>
 *
 * <p>Every loss is written with DJL's engine-agnostic {@code ai.djl.ndarray} API and returns a
 * scalar attached to its inputs' manager. Options are checked by the same
 * {@link dev.retrievals.core.spi.OptionSpec}s whether the loss is built in Java or by name.
 */
package dev.retrievals.losses;
