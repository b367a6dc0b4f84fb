package io.github.vlmlens.temporal.video;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.codecs.h264.H264Utils;
import org.jcodec.codecs.h264.io.model.SeqParameterSet;
import org.jcodec.codecs.h264.io.model.VUIParameters;
import org.jcodec.common.Codec;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.SeekableDemuxerTrack;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Packet;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rect;

/**
 * Reads real video files into frames for {@link io.github.vlmlens.core.VlmInput#ofVideo}: H.264 in
 * MP4/MOV, decoded in pure Java by <a href="https://github.com/jcodec/jcodec">JCodec</a>.
 *
 * <p>Frames are sampled uniformly in display order as the paper's video scripts do ({@code
 * np.linspace(0, total - 1, n, dtype=int)}: index {@code floor(i * (total - 1) / (n - 1))}). The
 * file is read twice: once for the packets' presentation times (no decoding), so the display order
 * is known even with B-frames, then decoded front to back, converting only the chosen frames.
 *
 * <p>Colour: YUV is converted to 8-bit RGB with the BT.601 matrix in limited ("TV", 16-235) range,
 * or full range when the stream's VUI sets {@code video_full_range_flag} — what FFmpeg's {@code
 * swscale} (and so PyAV and decord) does by default. Chroma is upsampled by repeating samples
 * (nearest), as swscale's default path does for 4:2:0 to RGB.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class VideoFiles {
  private VideoFiles() {}

  /**
   * {@code n} frames of a video file, sampled uniformly over all its frames in display order.
   *
   * @throws IllegalArgumentException when {@code n} is not positive, the video has fewer than
   *     {@code n} frames, or the file cannot be decoded (the message names the file)
   * @throws UncheckedIOException when the file does not exist or cannot be read
   */
  public static List<RgbImage> readFrames(Path file, int n) {
    Objects.requireNonNull(file, "file");
    if (n <= 0) {
      throw new IllegalArgumentException(
          "the number of frames to read from " + file + " must be positive, got " + n);
    }
    if (!Files.isRegularFile(file)) {
      throw new UncheckedIOException(
          new IOException("video file " + file + " does not exist or is not a regular file"));
    }
    // pass 1: presentation times of the packets, in decode order
    long[] pts;
    boolean fullRange;
    try (SeekableByteChannel ch = NIOUtils.readableChannel(file.toFile())) {
      FrameGrab grab = FrameGrab.createFrameGrab(ch);
      SeekableDemuxerTrack track = grab.getVideoTrack();
      fullRange = fullRange(track.getMeta());
      List<Long> times = new ArrayList<>();
      for (Packet p = track.nextFrame(); p != null; p = track.nextFrame()) {
        times.add(p.getPts());
      }
      pts = times.stream().mapToLong(Long::longValue).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read video file " + file + ": " + e.getMessage(), e);
    } catch (JCodecException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot decode video file " + file + " (H.264 in MP4/MOV is supported): " + e, e);
    }
    int total = pts.length;
    if (n > total) {
      throw new IllegalArgumentException(
          "video file " + file + " has " + total + " frames, fewer than the " + n + " asked for");
    }
    // display index of each packet: its rank by presentation time (stable for equal times)
    Integer[] byTime = new Integer[total];
    for (int i = 0; i < total; i++) {
      byTime[i] = i;
    }
    Arrays.sort(byTime, Comparator.comparingLong((Integer i) -> pts[i]));
    int[] wanted = sampleIndices(total, n);
    // decode index -> the output slots that want it (linspace may repeat an index only if n > total)
    Map<Integer, List<Integer>> slots = new HashMap<>();
    for (int s = 0; s < n; s++) {
      slots.computeIfAbsent(byTime[wanted[s]], k -> new ArrayList<>()).add(s);
    }
    int lastNeeded = slots.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
    RgbImage[] out = new RgbImage[n];
    // pass 2: decode front to back (a P- or B-frame needs its references), convert the chosen ones
    try (SeekableByteChannel ch = NIOUtils.readableChannel(file.toFile())) {
      FrameGrab grab = FrameGrab.createFrameGrab(ch);
      int decoded = 0;
      for (; decoded <= lastNeeded; decoded++) {
        Picture p = grab.getNativeFrame();
        if (p == null) {
          break;
        }
        List<Integer> want = slots.get(decoded);
        if (want != null) {
          RgbImage rgb = toRgb(p, fullRange, file);
          for (int s : want) {
            out[s] = rgb;
          }
        }
      }
      if (decoded <= lastNeeded) {
        throw new IllegalArgumentException(
            "video file " + file + " lists " + total + " frames but only " + decoded
                + " could be decoded");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read video file " + file + ": " + e.getMessage(), e);
    } catch (JCodecException | RuntimeException e) {
      if (e instanceof IllegalArgumentException && e.getMessage() != null
          && e.getMessage().contains(file.toString())) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException("cannot decode video file " + file + ": " + e, e);
    }
    return List.of(out);
  }

  /** The frame indices {@code np.linspace(0, total - 1, n, dtype=int)} picks. */
  public static int[] sampleIndices(int total, int n) {
    if (n <= 0 || total <= 0) {
      throw new IllegalArgumentException("need positive counts, got total " + total + ", n " + n);
    }
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = n == 1 ? 0 : (int) Math.floor((double) i * (total - 1) / (n - 1));
    }
    return out;
  }

  /** Whether the H.264 stream's SPS says full-range (JPEG) levels; limited range otherwise. */
  private static boolean fullRange(DemuxerTrackMeta meta) {
    if (meta == null || meta.getCodec() != Codec.H264 || meta.getCodecPrivate() == null) {
      return false;
    }
    try {
      ByteBuffer priv = meta.getCodecPrivate().duplicate();
      for (ByteBuffer nal : H264Utils.getRawSPS(priv)) {
        SeqParameterSet sps = H264Utils.readSPS(nal);
        VUIParameters vui = sps.getVuiParams();
        if (vui != null) {
          return vui.videoFullRangeFlag;
        }
      }
    } catch (RuntimeException e) {
      // an SPS JCodec cannot parse here is decoded (or refused) below; assume limited range
    }
    return false;
  }

  static RgbImage toRgb(Picture p, boolean fullRange, Path file) {
    ColorSpace cs = p.getColor();
    if (!cs.planar || cs.nComp != 3 || p.getLowBitsNum() > 0) {
      throw new IllegalArgumentException(
          "video file " + file + " decodes to " + cs + ", not 8-bit planar YUV");
    }
    boolean full = fullRange || cs == ColorSpace.YUV420J || cs == ColorSpace.YUV422J
        || cs == ColorSpace.YUV444J;
    Rect crop = p.getCrop();
    int x0 = crop == null ? 0 : crop.getX();
    int y0 = crop == null ? 0 : crop.getY();
    int w = p.getCroppedWidth();
    int h = p.getCroppedHeight();
    byte[] yp = p.getPlaneData(0);
    byte[] up = p.getPlaneData(1);
    byte[] vp = p.getPlaneData(2);
    int ys = p.getPlaneWidth(0);
    int us = p.getPlaneWidth(1);
    int vs = p.getPlaneWidth(2);
    int cw = cs.compWidth[1];
    int ch = cs.compHeight[1];
    int[] px = new int[w * h];
    for (int y = 0; y < h; y++) {
      int sy = y + y0;
      for (int x = 0; x < w; x++) {
        int sx = x + x0;
        // JCodec stores 8-bit samples as signed bytes offset by -128, so the stored chroma byte
        // is already centred on zero
        int yy = yp[sy * ys + sx] + 128;
        int u = up[(sy >> ch) * us + (sx >> cw)];
        int v = vp[(sy >> ch) * vs + (sx >> cw)];
        double r;
        double g;
        double b;
        if (full) {
          r = yy + 1.402 * v;
          g = yy - 0.344136 * u - 0.714136 * v;
          b = yy + 1.772 * u;
        } else {
          double c = 1.164383 * (yy - 16);
          r = c + 1.596027 * v;
          g = c - 0.391762 * u - 0.812968 * v;
          b = c + 2.017232 * u;
        }
        px[y * w + x] = (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
      }
    }
    return RgbImage.of(w, h, px);
  }

  private static int clamp(double v) {
    long r = Math.round(v);
    return (int) Math.max(0, Math.min(255, r));
  }
}
