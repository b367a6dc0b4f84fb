package io.github.vlmlens.temporal.video;

import com.google.common.collect.ImmutableList;
import io.github.vlmlens.core.API;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Draws random synthetic videos, deterministically from a seed (every draw is
 * {@code java.util.Random}'s, in a fixed order, so a seed means the same videos on every JVM).
 *
 * <p>Object videos: an unordered pair drawn uniformly from the allowed pairs, which of the two is
 * named first drawn by a fair coin, two different frames drawn uniformly, and each object's
 * top-left position drawn uniformly in {@code 0..frameSize-objectSize} on both axes. Every video
 * drawn has a defined answer. Scene videos: two different scenes drawn uniformly, the switch frame
 * uniformly in {@code 1..F-1}, and whether the first-named scene is shown first by a fair coin.
 * Instances are immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class VideoSampler {
  private final VideoSpec spec;
  private final ImmutableList<List<VideoObject>> pairs;
  private final ImmutableList<SceneStyle> scenes;

  private VideoSampler(VideoSpec spec, List<List<VideoObject>> pairs, List<SceneStyle> scenes) {
    this.spec = spec;
    this.pairs = ImmutableList.copyOf(pairs);
    this.scenes = ImmutableList.copyOf(scenes);
  }

  /** A sampler of videos of {@code spec} over every object pair and every scene. */
  public static VideoSampler of(VideoSpec spec) {
    return new VideoSampler(
        Objects.requireNonNull(spec, "spec"), ObjectPairSplit.allPairs(), List.of(SceneStyle.values()));
  }

  /**
   * The same sampler drawing only these unordered pairs (for example a split's training pairs).
   *
   * @throws IllegalArgumentException for no pairs or a pair that is not two different objects
   */
  public VideoSampler withPairs(List<List<VideoObject>> allowed) {
    if (allowed.isEmpty()) {
      throw new IllegalArgumentException("a sampler needs at least one object pair");
    }
    for (List<VideoObject> p : allowed) {
      if (p.size() != 2 || p.get(0) == p.get(1)) {
        throw new IllegalArgumentException("not a pair of two different objects: " + p);
      }
    }
    return new VideoSampler(spec, allowed, scenes);
  }

  /** The same sampler drawing the pairs of one part of a split. */
  public VideoSampler withPairs(ObjectPairSplit split, ObjectPairSplit.Part part) {
    return withPairs(split.pairs(part));
  }

  /**
   * The same sampler drawing only these scenes.
   *
   * @throws IllegalArgumentException for fewer than two different scenes
   */
  public VideoSampler withScenes(List<SceneStyle> allowed) {
    if (allowed.stream().distinct().count() < 2) {
      throw new IllegalArgumentException("scene videos need at least two different scenes, got " + allowed);
    }
    return new VideoSampler(spec, pairs, allowed.stream().distinct().toList());
  }

  /** The video shape. */
  public VideoSpec spec() {
    return spec;
  }

  /** One object video with a defined answer. */
  public ObjectVideo objectVideo(Random random) {
    List<VideoObject> pair = pairs.get(random.nextInt(pairs.size()));
    boolean swap = random.nextBoolean();
    VideoObject first = pair.get(swap ? 1 : 0);
    VideoObject second = pair.get(swap ? 0 : 1);
    int f1 = random.nextInt(spec.frames());
    int f2 = random.nextInt(spec.frames() - 1);
    if (f2 >= f1) {
      f2++;
    }
    int span = spec.maxOffset() + 1;
    Appearance a = new Appearance(first, f1, random.nextInt(span), random.nextInt(span));
    Appearance b = new Appearance(second, f2, random.nextInt(span), random.nextInt(span));
    return ObjectVideo.of(spec, a, b);
  }

  /** One scene video. */
  public SceneVideo sceneVideo(Random random) {
    int i = random.nextInt(scenes.size());
    int j = random.nextInt(scenes.size() - 1);
    if (j >= i) {
      j++;
    }
    boolean askedFirst = random.nextBoolean();
    int switchFrame = 1 + random.nextInt(spec.frames() - 1);
    return SceneVideo.of(spec, scenes.get(i), scenes.get(j), askedFirst, switchFrame);
  }

  /** {@code count} object videos drawn from {@code new Random(seed)}. */
  public List<ObjectVideo> objectVideos(long seed, int count) {
    Random random = new Random(seed);
    List<ObjectVideo> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(objectVideo(random));
    }
    return out;
  }

  /** {@code count} scene videos drawn from {@code new Random(seed)}. */
  public List<SceneVideo> sceneVideos(long seed, int count) {
    Random random = new Random(seed);
    List<SceneVideo> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(sceneVideo(random));
    }
    return out;
  }

  @Override
  public String toString() {
    return "VideoSampler[" + spec + ", " + pairs.size() + " pairs, " + scenes.size() + " scenes]";
  }
}
