package io.github.vlmlens.hooks.internal.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.FatalTemplateErrorsException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.tree.TagNode;
import io.github.vlmlens.core.PromptFormat;
import io.github.vlmlens.core.VlmInput;
import io.github.vlmlens.hooks.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A checkpoint's chat template (Jinja, as Hugging Face's {@code apply_chat_template} renders it):
 * read from {@code chat_template.jinja}, {@code chat_template.json} or
 * {@code tokenizer_config.json}'s {@code chat_template}, rendered with HubSpot's Jinjava, and turned
 * into the {@link PromptFormat} of a one-image user turn, so prompts are what the model was trained
 * with.
 */
public final class ChatTemplate {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final String source;
  private final String template;
  private final Map<String, Object> specialTokens;

  private ChatTemplate(String source, String template, Map<String, Object> specialTokens) {
    this.source = source;
    this.template = pythonMethodsAsJinjava(template);
    this.specialTokens = specialTokens;
  }

  /**
   * The checkpoint's template, if it has one.
   *
   * @throws CheckpointException naming the file when it cannot be read or is not valid JSON
   */
  public static Optional<ChatTemplate> read(Path dir) {
    Map<String, Object> specials = new HashMap<>();
    Path tc = dir.resolve("tokenizer_config.json");
    JsonNode tokenizerConfig = Files.isRegularFile(tc) ? json(tc) : null;
    if (tokenizerConfig != null) {
      for (String k : new String[] {"bos_token", "eos_token", "pad_token", "unk_token"}) {
        JsonNode v = tokenizerConfig.get(k);
        if (v != null && v.isTextual()) {
          specials.put(k, v.textValue());
        } else if (v != null && v.has("content")) {
          specials.put(k, v.get("content").asText());
        }
      }
    }
    Path jinja = dir.resolve("chat_template.jinja");
    if (Files.isRegularFile(jinja)) {
      try {
        return Optional.of(new ChatTemplate(jinja.toString(), Files.readString(jinja), specials));
      } catch (IOException e) {
        throw new CheckpointException("cannot read " + jinja + ": " + e.getMessage(), e);
      }
    }
    Path cj = dir.resolve("chat_template.json");
    if (Files.isRegularFile(cj)) {
      JsonNode t = json(cj).get("chat_template");
      if (t != null && t.isTextual()) {
        return Optional.of(new ChatTemplate(cj.toString(), t.textValue(), specials));
      }
    }
    if (tokenizerConfig != null) {
      JsonNode t = tokenizerConfig.get("chat_template");
      if (t != null && t.isTextual()) {
        return Optional.of(new ChatTemplate(tc + " (chat_template)", t.textValue(), specials));
      }
      if (t != null && t.isArray()) {
        for (JsonNode named : t) {
          if ("default".equals(named.path("name").asText()) && named.path("template").isTextual()) {
            return Optional.of(new ChatTemplate(tc + " (chat_template 'default')", named.get("template").textValue(), specials));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static JsonNode json(Path f) {
    try {
      JsonNode n = MAPPER.readTree(Files.readString(f));
      if (n == null || !n.isObject()) {
        throw new CheckpointException(f + " is not a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /**
   * Hugging Face templates call Python string methods, which Jinja2 allows and Jinjava does not:
   * {@code x.upper()}, {@code .lower()}, {@code .strip()} become the filters {@code |upper},
   * {@code |lower}, {@code |trim}; {@code .startswith(}/{@code .endswith(} become Java's
   * {@code startsWith}/{@code endsWith}.
   */
  static String pythonMethodsAsJinjava(String t) {
    return t.replace(".upper()", "|upper")
        .replace(".lower()", "|lower")
        .replace(".strip()", "|trim")
        .replace(".startswith(", ".startsWith(")
        .replace(".endswith(", ".endsWith(");
  }

  /** Where the template came from. */
  public String source() {
    return source;
  }

  /**
   * Renders the template for {@code messages} (each a map with {@code role} and {@code content},
   * a string or a list of parts such as {@code {type: image}}, {@code {type: text, text: ...}}).
   *
   * @throws IllegalArgumentException naming the template's file when it does not render
   */
  public String render(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
    Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(false).withLstripBlocks(false).build());
    jinjava.getGlobalContext()
        .registerFunction(
            new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raiseException", String.class));
    jinjava.getGlobalContext().registerTag(new GenerationTag());
    Map<String, Object> bindings = new HashMap<>(specialTokens);
    bindings.put("messages", messages);
    bindings.put("add_generation_prompt", addGenerationPrompt);
    try {
      return jinjava.render(template, bindings);
    } catch (FatalTemplateErrorsException | IllegalStateException e) {
      throw new IllegalArgumentException("the chat template of " + source + " does not render: " + e.getMessage(), e);
    }
  }

  /**
   * The prompt format of one user turn holding an image and the question, the generation prompt
   * appended, with the image placeholder the template writes ({@code nativeImageText}, e.g.
   * {@code <|image_pad|>}) turned into vlmlens' {@code <image>}; empty when the rendered turn does
   * not hold both the placeholder and the question.
   */
  public Optional<PromptFormat> promptFormat(String nativeImageText) {
    Map<String, Object> image = Map.of("type", "image");
    Map<String, Object> text = Map.of("type", "text", "text", PromptFormat.QUESTION);
    String rendered = render(List.of(Map.of("role", "user", "content", List.of(image, text))), true);
    String bos = (String) specialTokens.get("bos_token");
    if (bos != null && rendered.startsWith(bos)) {
      rendered = rendered.substring(bos.length()); // the tokenizer adds BOS itself
    }
    int at = rendered.indexOf(nativeImageText);
    if (at < 0 || !rendered.contains(PromptFormat.QUESTION)) {
      return Optional.empty();
    }
    String t = rendered.substring(0, at) + VlmInput.IMAGE_PLACEHOLDER + rendered.substring(at + nativeImageText.length());
    return Optional.of(PromptFormat.of(t));
  }

  /** Jinja's {@code raise_exception(message)}, as transformers defines it for templates. */
  public static String raiseException(String message) {
    throw new IllegalStateException("the chat template raised: " + message);
  }

  /** transformers' {@code {% generation %}} block: renders its body (it only marks assistant text). */
  private static final class GenerationTag implements Tag {
    private static final long serialVersionUID = 1L;

    @Override
    public String getName() {
      return "generation";
    }

    @Override
    public String getEndTagName() {
      return "endgeneration";
    }

    @Override
    public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
      StringBuilder sb = new StringBuilder();
      for (com.hubspot.jinjava.tree.Node child : tagNode.getChildren()) {
        sb.append(child.render(interpreter).getValue());
      }
      return sb.toString();
    }
  }
}
