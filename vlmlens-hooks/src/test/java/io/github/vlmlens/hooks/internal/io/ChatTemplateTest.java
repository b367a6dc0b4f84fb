package io.github.vlmlens.hooks.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chat templates render as Hugging Face's {@code apply_chat_template} renders them (expected
 * strings: transformers 5.18 on the fixtures, one user turn with an image and "{question}",
 * add_generation_prompt=True).
 */
class ChatTemplateTest {
  static final Path FIXTURES = Path.of("src", "test", "resources", "fixtures");

  @ParameterizedTest
  @CsvSource(
      delimiter = '#',
      value = {
        "llava#<image>#USER: <image>\\n{question} ASSISTANT:",
        "qwen2_vl#<|image_pad|>#<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n<|im_start|>user\\n<|vision_start|><image><|vision_end|>{question}<|im_end|>\\n<|im_start|>assistant\\n",
        "qwen2_5_vl#<|image_pad|>#<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n<|im_start|>user\\n<|vision_start|><image><|vision_end|>{question}<|im_end|>\\n<|im_start|>assistant\\n",
        "internvl#<IMG_CONTEXT>#<|im_start|>user\\n<image>\\n{question}<|im_end|>\\n<|im_start|>assistant\\n",
        "gemma3#<start_of_image>#<start_of_turn>user\\n<image>{question}<end_of_turn>\\n<start_of_turn>model\\n"
      })
  void rendersAsHuggingFaceDoes(String family, String nativeImage, String expected) {
    ChatTemplate t = ChatTemplate.read(FIXTURES.resolve(family).resolve("checkpoint")).orElseThrow();
    String want = expected.replace("\\n", "\n");
    assertEquals(want, t.promptFormat(nativeImage).orElseThrow().template(), family);
    assertTrue(t.source().endsWith("chat_template.jinja"));
  }
}
