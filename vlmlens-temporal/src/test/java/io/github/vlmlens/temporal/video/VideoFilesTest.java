package io.github.vlmlens.temporal.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.core.RgbImage;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jcodec.codecs.h264.H264Encoder;
import org.jcodec.common.Codec;
import org.jcodec.common.MuxerTrack;
import org.jcodec.common.VideoCodecMeta;
import org.jcodec.common.VideoEncoder;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;
import org.jcodec.common.model.Size;
import org.jcodec.containers.mp4.muxer.MP4Muxer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes an H.264 MP4 with JCodec's encoder and muxer (limited-range BT.601 YUV computed here, the
 * way FFmpeg writes ordinary videos) and reads frames back through {@link VideoFiles}.
 */
class VideoFilesTest {
  /** Not a multiple of 16: the stream is coded at 80x48 and cropped, as real videos often are. */
  static final int W = 70;
  static final int H = 46;
  static final int FRAMES = 10;
  /**
   * Lossy coding stays within this many levels per channel on every pixel: measured at most 8 on
   * intra frames and 15 on predicted ones (JCodec's simple encoder drifts a little in P-frames),
   * while swapped channels put the square 200 levels off.
   */
  static final int TOL = 16;

  static int background(int t) {
    return rgb(20 * t + 10, 40, 200);
  }

  static final int SQUARE = rgb(230, 60, 30);

  static int rgb(int r, int g, int b) {
    return (r << 16) | (g << 8) | b;
  }

  /** Frame {@code t}: a flat colour whose red level encodes {@code t}, a red square moving right. */
  static int colour(int t, int x, int y) {
    boolean square = y >= 16 && y < 32 && x >= 4 * t && x < 4 * t + 16;
    return square ? SQUARE : background(t);
  }

  /** Limited-range BT.601 (Y in 16..235, chroma in 16..240). */
  static int[] yuv(int rgb) {
    double r = ((rgb >> 16) & 0xFF) / 255.0;
    double g = ((rgb >> 8) & 0xFF) / 255.0;
    double b = (rgb & 0xFF) / 255.0;
    return new int[] {
      (int) Math.round(16 + 65.481 * r + 128.553 * g + 24.966 * b),
      (int) Math.round(128 - 37.797 * r - 74.203 * g + 112.0 * b),
      (int) Math.round(128 + 112.0 * r - 93.786 * g - 18.214 * b)
    };
  }

  static Picture frame(int t) {
    int cw = 80;
    int chh = 48;
    Picture p = Picture.createCropped(cw, chh, ColorSpace.YUV420J, new Rect(0, 0, W, H));
    byte[] y = p.getPlaneData(0);
    byte[] u = p.getPlaneData(1);
    byte[] v = p.getPlaneData(2);
    for (int yy = 0; yy < chh; yy++) {
      for (int xx = 0; xx < cw; xx++) {
        int[] c = yuv(colour(t, Math.min(xx, W - 1), Math.min(yy, H - 1)));
        y[yy * cw + xx] = (byte) (c[0] - 128);
        if (yy % 2 == 0 && xx % 2 == 0) {
          // the square sits on even coordinates, so each 2x2 chroma block is one colour
          u[(yy / 2) * (cw / 2) + xx / 2] = (byte) (c[1] - 128);
          v[(yy / 2) * (cw / 2) + xx / 2] = (byte) (c[2] - 128);
        }
      }
    }
    return p;
  }

  static Path writeVideo(Path file) throws Exception {
    try (SeekableByteChannel out = NIOUtils.writableChannel(file.toFile())) {
      MP4Muxer muxer = MP4Muxer.createMP4MuxerToChannel(out);
      MuxerTrack track = muxer.addVideoTrack(Codec.H264,
          VideoCodecMeta.createSimpleVideoCodecMeta(new Size(W, H), ColorSpace.YUV420J));
      H264Encoder enc = H264Encoder.createH264Encoder();
      // frames 0, 4, 8 intra-coded, the others predicted: both paths of the decoder are read
      enc.setKeyInterval(4);
      for (int t = 0; t < FRAMES; t++) {
        Picture pic = frame(t);
        VideoEncoder.EncodedFrame ef =
            enc.encodeFrame(pic, ByteBuffer.allocate(enc.estimateBufferSize(pic)));
        track.addFrame(Packet.createPacket(ef.getData(), t, 10, 1, t,
            ef.isKeyFrame() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
      }
      muxer.finish();
    }
    return file;
  }

  static void assertColour(int expected, int actual, String what) {
    for (int shift = 16; shift >= 0; shift -= 8) {
      int e = (expected >> shift) & 0xFF;
      int a = (actual >> shift) & 0xFF;
      assertTrue(Math.abs(e - a) <= TOL, String.format(
          "%s: expected %06x, got %06x", what, expected, actual));
    }
  }

  @Test
  void readsUniformlySampledFramesBackWithTheirColours(@TempDir Path dir) throws Exception {
    Path mp4 = writeVideo(dir.resolve("clip.mp4"));
    List<RgbImage> frames = VideoFiles.readFrames(mp4, 4);
    assertEquals(4, frames.size());
    int[] idx = VideoFiles.sampleIndices(FRAMES, 4);
    assertArrayEquals(new int[] {0, 3, 6, 9}, idx);
    for (int i = 0; i < 4; i++) {
      RgbImage f = frames.get(i);
      assertEquals(W, f.width());
      assertEquals(H, f.height());
      int t = idx[i];
      // every pixel, edges included, is its scene colour
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          assertColour(colour(t, x, y), f.rgb(x, y), "frame " + t + " at (" + x + ", " + y + ")");
        }
      }
      // the bottom-right corner is inside the cropped picture, not the coded padding
      assertColour(background(t), f.rgb(W - 1, H - 1), "frame " + t + " corner");
    }
  }

  @Test
  void allFramesAndRepeatedReads(@TempDir Path dir) throws Exception {
    Path mp4 = writeVideo(dir.resolve("clip.mp4"));
    List<RgbImage> all = VideoFiles.readFrames(mp4, FRAMES);
    for (int t = 0; t < FRAMES; t++) {
      assertColour(background(t), all.get(t).rgb(2, 2), "frame " + t);
      assertColour(SQUARE, all.get(t).rgb(4 * t + 8, 24), "frame " + t + " square");
    }
    List<RgbImage> one = VideoFiles.readFrames(mp4, 1);
    assertArrayEquals(all.get(0).pixels(), one.get(0).pixels());
  }

  @Test
  void fullRangePicturesConvertWithFullRangeLevels() {
    Picture p = Picture.create(2, 2, ColorSpace.YUV420J);
    // full-range BT.601 for rgb(230, 60, 30): Y 107, Cb 84, Cr 215
    java.util.Arrays.fill(p.getPlaneData(0), (byte) (107 - 128));
    p.getPlaneData(1)[0] = (byte) (84 - 128);
    p.getPlaneData(2)[0] = (byte) (215 - 128);
    RgbImage img = VideoFiles.toRgb(p, false, Path.of("x.mp4"));
    assertColour(SQUARE, img.rgb(1, 1), "full range");
  }

  @Test
  void badRequestsNameTheFile(@TempDir Path dir) throws Exception {
    Path mp4 = writeVideo(dir.resolve("clip.mp4"));
    IllegalArgumentException tooMany =
        assertThrows(IllegalArgumentException.class, () -> VideoFiles.readFrames(mp4, 11));
    assertTrue(tooMany.getMessage().contains(mp4.toString()), tooMany.getMessage());
    assertTrue(tooMany.getMessage().contains("10 frames"), tooMany.getMessage());
    assertThrows(IllegalArgumentException.class, () -> VideoFiles.readFrames(mp4, 0));

    Path missing = dir.resolve("missing.mp4");
    UncheckedIOException gone =
        assertThrows(UncheckedIOException.class, () -> VideoFiles.readFrames(missing, 2));
    assertTrue(gone.getMessage().contains(missing.toString()), gone.getMessage());

    Path junk = Files.write(dir.resolve("junk.mp4"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> VideoFiles.readFrames(junk, 2));
    assertTrue(bad.getMessage().contains(junk.toString()), bad.getMessage());

    assertArrayEquals(new int[] {0}, VideoFiles.sampleIndices(5, 1));
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, VideoFiles.sampleIndices(5, 5));
    assertArrayEquals(new int[] {0, 4, 9}, VideoFiles.sampleIndices(10, 3));
  }
}
