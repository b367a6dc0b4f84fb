package io.github.vlmlens.core.lens;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.vlmlens.core.API;
import io.github.vlmlens.core.report.HtmlPage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the logit lens read: for each layer (outer list, in {@link #layers} order) and position
 * (inner list, in {@link #positions} order) the top tokens with their probabilities.
 *
 * @param model the model's name
 * @param prompt the prompt
 * @param positions the sequence positions read
 * @param tokens the input token at each position
 * @param layers the residual layers ({@code lm.L.resid_post}) read
 * @param k tokens per cell
 * @param top {@code top[layer][position]}: the {@code k} most likely tokens, most likely first
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.2.0")
public record LogitLensResult(
    String model,
    String prompt,
    List<Integer> positions,
    List<String> tokens,
    List<Integer> layers,
    int k,
    List<List<List<Entry>>> top) {

  /** The file name of the JSON record. */
  public static final String JSON_FILE = "result.json";
  /** The file name of the HTML heat map. */
  public static final String HTML_FILE = "report.html";

  /** One candidate token. */
  public record Entry(int id, String token, double probability) {}

  /** The record as JSON. */
  public String toJson() {
    try {
      return JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The heat map: one row per layer, one column per position, each cell the top token and its
   * probability, shaded by that probability.
   */
  public HtmlPage page() {
    List<String> header = new ArrayList<>();
    header.add("layer / position");
    for (int i = 0; i < positions.size(); i++) {
      header.add(positions.get(i) + " " + tokens.get(i));
    }
    List<String> rowLabels = new ArrayList<>();
    List<List<String>> cells = new ArrayList<>();
    double[][] shade = new double[layers.size()][positions.size()];
    for (int l = 0; l < layers.size(); l++) {
      rowLabels.add("lm." + layers.get(l));
      List<String> row = new ArrayList<>();
      for (int p = 0; p < positions.size(); p++) {
        Entry e = top.get(l).get(p).get(0);
        row.add(e.token() + String.format(Locale.ROOT, " %.2f", e.probability()));
        shade[l][p] = Math.max(0, Math.min(1, e.probability()));
      }
      cells.add(row);
    }
    return HtmlPage.titled("Logit lens: " + model)
        .paragraph(
            "Each cell: the most likely next token when the residual stream after block L (lm.L.resid_post; "
                + "0 = the embeddings) at that position is read through the final norm and the unembedding, "
                + "and its probability (shading). Prompt: " + prompt)
        .heatTable(header, rowLabels, cells, shade)
        .settings(
            new java.util.TreeMap<>(java.util.Map.of("prompt", prompt, "layers", layers, "positions", positions, "topK", k)),
            new java.util.LinkedHashMap<>(java.util.Map.of("model", model)));
  }

  /**
   * Writes {@value #JSON_FILE} and {@value #HTML_FILE} into a directory, each completely or not
   * at all (written beside, then moved into place).
   *
   * @throws UncheckedIOException when a file cannot be written
   */
  public void writeTo(Path dir) {
    try {
      Files.createDirectories(dir);
      atomic(dir.resolve(JSON_FILE), toJson());
      atomic(dir.resolve(HTML_FILE), page().render());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the logit lens to " + dir, e);
    }
  }

  private static void atomic(Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
