package io.github.vlmlens.examples.cli;

import io.github.vlmlens.core.HookedVlm;
import io.github.vlmlens.core.RgbImage;
import io.github.vlmlens.core.Tokenization;
import io.github.vlmlens.core.VlmInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * One input given on the command line: images and a prompt as one would give the Hugging Face
 * processor (the checkpoint's own image placeholder, e.g. {@code <|image_pad|>}, or vlmlens'
 * {@code <image>}).
 */
final class InputOptions {
  @Option(names = "--image", description = "An image file (PNG or JPEG); repeat for several images, in prompt order.")
  List<Path> images = new ArrayList<>();

  @Option(
      names = "--prompt",
      required = true,
      description = "The prompt as the model's processor takes it, with the checkpoint's own image placeholder (e.g. <image> for LLaVA, <|image_pad|> for Qwen2-VL) or vlmlens' <image>.")
  String prompt;

  /** Reads the images. */
  List<RgbImage> readImages(CommandLine cmd) {
    List<RgbImage> pics = new ArrayList<>();
    for (Path p : images) {
      if (!Files.isRegularFile(p)) {
        throw new ParameterException(cmd, "--image: no such file " + p);
      }
      try {
        pics.add(RgbImage.read(p));
      } catch (IOException | RuntimeException e) {
        throw new ParameterException(cmd, "--image: cannot read " + p + ": " + e.getMessage(), e);
      }
    }
    return pics;
  }

  /** The input: the images and the prompt, the checkpoint's placeholder turned into vlmlens' one. */
  VlmInput input(HookedVlm vlm, CommandLine cmd) {
    List<RgbImage> pics = readImages(cmd);
    String text = prompt;
    if (!pics.isEmpty() && !text.contains(VlmInput.IMAGE_PLACEHOLDER)) {
      // The processor's placeholder: the image token itself (LLaVA, Qwen, InternVL, mllama), or
      // the begin-of-image token that Gemma 3's processor expands.
      for (String placeholder : List.of(imageTokenText(vlm, pics.get(0)), "<start_of_image>")) {
        if (text.contains(placeholder)) {
          text = text.replace(placeholder, VlmInput.IMAGE_PLACEHOLDER);
          break;
        }
      }
    }
    try {
      return pics.isEmpty() ? VlmInput.text(text) : VlmInput.ofImages(pics, text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(cmd, "--prompt: " + e.getMessage(), e);
    }
  }

  /** The text of the model's image token (what its processor expands), read off a tokenization. */
  static String imageTokenText(HookedVlm vlm, RgbImage image) {
    Tokenization t = vlm.tokenize(vlm.promptFormat().input(image, "x"));
    return t.tokens().get(t.imagePositions(0).resolve(t.length())[0]);
  }
}
