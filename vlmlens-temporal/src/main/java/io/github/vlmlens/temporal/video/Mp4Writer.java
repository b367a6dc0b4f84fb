package io.github.vlmlens.temporal.video;

import io.github.vlmlens.core.API;
import io.github.vlmlens.core.RgbImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
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

/**
 * Writes frames as an H.264 MP4 (JCodec's pure-Java encoder and muxer), the form
 * {@link VideoFiles#readFrames} reads back: RGB is converted to limited-range BT.601 YUV 4:2:0
 * (chroma averaged over each 2x2 block), the picture is coded at a multiple of 16 and cropped to
 * the frames' size, and every {@code keyInterval}-th frame is intra-coded. The coding is lossy
 * (JCodec's simple encoder: a few levels per channel on flat areas, more on sharp edges). Meant for
 * turning the synthetic videos into files (tests, trying the real-video commands without data);
 * real videos come from the user.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Mp4Writer {
  /** The frame rate written into the file. */
  public static final int FPS = 10;

  private Mp4Writer() {}

  /** Writes {@code frames} (all the same size) to {@code file}, every 4th frame intra-coded. */
  public static Path write(List<RgbImage> frames, Path file) {
    return write(frames, file, 4);
  }

  /**
   * Writes {@code frames} (all the same size) to {@code file}.
   *
   * @param keyInterval every this many frames one is intra-coded (1: all)
   * @throws IllegalArgumentException for no frames, frames of different sizes or a key interval
   *     below 1
   * @throws UncheckedIOException when the file cannot be written
   */
  public static Path write(List<RgbImage> frames, Path file, int keyInterval) {
    Objects.requireNonNull(file, "file");
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("no frames to write to " + file);
    }
    if (keyInterval < 1) {
      throw new IllegalArgumentException("key interval must be >= 1, got " + keyInterval);
    }
    int w = frames.get(0).width();
    int h = frames.get(0).height();
    for (RgbImage f : frames) {
      if (f.width() != w || f.height() != h) {
        throw new IllegalArgumentException(
            "frames of one video must share one size: " + w + "x" + h + " and " + f.width() + "x" + f.height());
      }
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (SeekableByteChannel out = NIOUtils.writableChannel(file.toFile())) {
        MP4Muxer muxer = MP4Muxer.createMP4MuxerToChannel(out);
        MuxerTrack track = muxer.addVideoTrack(
            Codec.H264, VideoCodecMeta.createSimpleVideoCodecMeta(new Size(w, h), ColorSpace.YUV420J));
        H264Encoder enc = H264Encoder.createH264Encoder();
        enc.setKeyInterval(keyInterval);
        for (int t = 0; t < frames.size(); t++) {
          Picture pic = picture(frames.get(t));
          VideoEncoder.EncodedFrame ef = enc.encodeFrame(pic, ByteBuffer.allocate(enc.estimateBufferSize(pic)));
          track.addFrame(Packet.createPacket(ef.getData(), t, FPS, 1, t,
              ef.isKeyFrame() ? Packet.FrameType.KEY : Packet.FrameType.INTER, null));
        }
        muxer.finish();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write video file " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  /** A frame as a cropped limited-range BT.601 YUV 4:2:0 picture coded at multiples of 16. */
  static Picture picture(RgbImage img) {
    int w = img.width();
    int h = img.height();
    int cw = (w + 15) / 16 * 16;
    int ch = (h + 15) / 16 * 16;
    Picture p = Picture.createCropped(cw, ch, ColorSpace.YUV420J, new Rect(0, 0, w, h));
    byte[] yp = p.getPlaneData(0);
    byte[] up = p.getPlaneData(1);
    byte[] vp = p.getPlaneData(2);
    int[] u = new int[(cw / 2) * (ch / 2)];
    int[] v = new int[u.length];
    for (int y = 0; y < ch; y++) {
      for (int x = 0; x < cw; x++) {
        int rgb = img.rgb(Math.min(x, w - 1), Math.min(y, h - 1));
        double r = ((rgb >> 16) & 0xFF) / 255.0;
        double g = ((rgb >> 8) & 0xFF) / 255.0;
        double b = (rgb & 0xFF) / 255.0;
        yp[y * cw + x] = (byte) (Math.round(16 + 65.481 * r + 128.553 * g + 24.966 * b) - 128);
        int c = (y / 2) * (cw / 2) + x / 2;
        u[c] += (int) Math.round(128 - 37.797 * r - 74.203 * g + 112.0 * b);
        v[c] += (int) Math.round(128 + 112.0 * r - 93.786 * g - 18.214 * b);
      }
    }
    for (int c = 0; c < u.length; c++) {
      up[c] = (byte) (Math.round(u[c] / 4.0) - 128);
      vp[c] = (byte) (Math.round(v[c] / 4.0) - 128);
    }
    return p;
  }
}
