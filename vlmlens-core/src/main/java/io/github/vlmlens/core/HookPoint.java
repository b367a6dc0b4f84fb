package io.github.vlmlens.core;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A place in a vision-language model where an activation can be captured or changed.
 *
 * <p>Text forms (stable; {@link #parse(String)} and {@link #toString()} round-trip):
 *
 * <ul>
 *   <li>{@code lm.L.resid_post}: residual stream after decoder block {@code L} (1-based);
 *       {@code lm.0.resid_post} is the embedding output, also written {@code lm.0} or
 *       {@code lm.embed}. Shape per run: {@code [tokens, hidden]}.
 *   <li>{@code lm.L.attn_out}, {@code lm.L.mlp_out}: what block {@code L}'s attention and MLP add
 *       to the residual stream ({@code L >= 1}).
 *   <li>{@code vision.L.resid_post}: vision tower residual stream; {@code vision.0} is the
 *       embeddings after the pre-LayerNorm (HF {@code hidden_states[0]}), {@code vision.L} the
 *       output of encoder layer {@code L} (1-based). Positions run over
 *       {@code image * (patches + 1) + patch}, the class token being patch 0 of each image.
 *   <li>{@code vision.L.attn_out}, {@code vision.L.mlp_out}: as for the language model.
 *   <li>{@code lm.L.resid_pre}: block {@code L}'s input (equal to {@code lm.(L-1).resid_post}
 *       unless changed there); {@code lm.L.resid_mid}: the residual stream after the attention
 *       and before the MLP. The same for {@code vision.L}.
 *   <li>{@code lm.L.attn_z}: the attention's per-head output before the output projection,
 *       {@code [tokens, heads * head_dim]}, head {@code h} in columns
 *       {@code h * head_dim .. (h+1) * head_dim - 1}.
 *   <li>{@code lm.L.attn_pattern}: attention probabilities; one row per query position holding
 *       {@code [heads, keys]} flattened (width {@code heads * tokens}). Captured at chosen query
 *       positions; not changed by interventions other than knockouts.
 *   <li>{@code lm.L.attn_scores}: the scaled, masked attention scores before the softmax, laid out
 *       as the pattern; where attention knockouts apply.
 *   <li>{@code projector.out}: the projected image features, one row per image token, in
 *       sequence order.
 *   <li>{@code lm.L.cross_states}: in models whose images enter through cross-attention blocks
 *       (Llama-3.2-Vision), the vision states block {@code L} reads its keys and values from;
 *       its rows are those of {@code projector.out} (positions count the image states, not the
 *       tokens), and it exists only for the cross-attention blocks. In such blocks the attention
 *       maps hold {@code [heads, states]} per query, and knockout keys are state rows.
 * </ul>
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class HookPoint implements Comparable<HookPoint> {

  /** The part of the model a hook point belongs to. */
  public enum Component {
    /** The decoder-only language model. */
    LM,
    /** The vision encoder. */
    VISION,
    /** The multimodal projector. */
    PROJECTOR
  }

  /** Which activation of a layer a hook point names. */
  public enum Site {
    /** The residual stream after the layer (or the embeddings for layer 0). */
    RESID_POST,
    /** The layer's input residual stream. */
    RESID_PRE,
    /** The residual stream after the attention, before the MLP. */
    RESID_MID,
    /** Attention scores before the softmax: {@code [heads, keys]} per query position. */
    ATTN_SCORES,
    /** Attention probabilities: {@code [heads, keys]} per query position. */
    ATTN_PATTERN,
    /** The attention's per-head output before the output projection. */
    ATTN_Z,
    /** The attention sub-layer's output, before it is added to the residual stream. */
    ATTN_OUT,
    /** The MLP sub-layer's output, before it is added to the residual stream. */
    MLP_OUT,
    /** The output of a component without layers (the projector). */
    OUT,
    /**
     * The vision states a cross-attention block reads its keys and values from (rows of
     * {@code projector.out}).
     */
    CROSS_STATES
  }

  private static final Pattern LAYERED =
      Pattern.compile(
          "(lm|vision)\\.(\\d+)(?:\\.(resid_post|resid_pre|resid_mid|attn_scores|attn_pattern|attn_z|attn_out|mlp_out|cross_states))?");

  private final Component component;
  private final int layer;
  private final Site site;

  private HookPoint(Component component, int layer, Site site) {
    this.component = component;
    this.layer = layer;
    this.site = site;
  }

  /** The language model's residual stream after block {@code layer}; 0 is the embeddings. */
  public static HookPoint lmResid(int layer) {
    return of(Component.LM, layer, Site.RESID_POST);
  }

  /** The language model's embedding output ({@code lm.0.resid_post}). */
  public static HookPoint lmEmbed() {
    return lmResid(0);
  }

  /** The output of block {@code layer}'s attention ({@code layer >= 1}). */
  public static HookPoint lmAttnOut(int layer) {
    return of(Component.LM, layer, Site.ATTN_OUT);
  }

  /** The output of block {@code layer}'s MLP ({@code layer >= 1}). */
  public static HookPoint lmMlpOut(int layer) {
    return of(Component.LM, layer, Site.MLP_OUT);
  }

  /**
   * The vision states cross-attention block {@code layer} attends to ({@code lm.layer.cross_states};
   * models with cross-attention blocks only).
   */
  public static HookPoint lmCrossStates(int layer) {
    return of(Component.LM, layer, Site.CROSS_STATES);
  }

  /** The vision tower's residual stream after encoder layer {@code layer}; 0 is the embeddings. */
  public static HookPoint visionResid(int layer) {
    return of(Component.VISION, layer, Site.RESID_POST);
  }

  /** The projector output: one row per image token. */
  public static HookPoint projectorOut() {
    return of(Component.PROJECTOR, 0, Site.OUT);
  }

  /**
   * A hook point from its parts.
   *
   * @throws IllegalArgumentException for a negative layer, a sub-layer site at layer 0, or a site
   *     that the component does not have
   */
  public static HookPoint of(Component component, int layer, Site site) {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(site, "site");
    if (component == Component.PROJECTOR) {
      if (site != Site.OUT || layer != 0) {
        throw new IllegalArgumentException("the projector has only the hook point projector.out");
      }
    } else {
      if (site == Site.OUT) {
        throw new IllegalArgumentException(
            "site 'out' belongs to the projector; use resid_post, attn_out or mlp_out");
      }
      if (layer < 0) {
        throw new IllegalArgumentException("layer must be >= 0, got " + layer);
      }
      if (site == Site.CROSS_STATES && component != Component.LM) {
        throw new IllegalArgumentException("cross_states belongs to the language model's cross-attention blocks");
      }
      if (layer == 0 && site != Site.RESID_POST) {
        throw new IllegalArgumentException(
            "layer 0 is the embedding output and has no " + siteText(site)
                + "; blocks are numbered from 1");
      }
    }
    return new HookPoint(component, layer, site);
  }

  /**
   * Parses a text form such as {@code lm.12.resid_post}, {@code lm.0}, {@code lm.embed},
   * {@code vision.23.resid_post} or {@code projector.out}.
   *
   * @throws IllegalArgumentException naming the text when it is not a hook point
   */
  public static HookPoint parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("lm.embed")) {
      return lmEmbed();
    }
    if (t.equals("projector.out") || t.equals("projector")) {
      return projectorOut();
    }
    Matcher m = LAYERED.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a hook point; expected forms like lm.12.resid_post, lm.3.attn_out,"
              + " lm.3.mlp_out, lm.3.resid_pre, lm.3.resid_mid, lm.3.attn_z, lm.3.attn_pattern,"
              + " lm.3.attn_scores, lm.3.cross_states, lm.embed, vision.22.resid_post or projector.out");
    }
    Component component = m.group(1).equals("lm") ? Component.LM : Component.VISION;
    int layer;
    try {
      layer = Integer.parseInt(m.group(2));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("layer number out of range in '" + text + "'", e);
    }
    String s = m.group(3);
    Site site = s == null ? Site.RESID_POST : Site.valueOf(s.toUpperCase(Locale.ROOT));
    try {
      return of(component, layer, site);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "': " + e.getMessage(), e);
    }
  }

  /** The component this point belongs to. */
  public Component component() {
    return component;
  }

  /** The layer: 0 for embeddings (and the projector), else the 1-based block number. */
  public int layer() {
    return layer;
  }

  /** The activation of the layer this point names. */
  public Site site() {
    return site;
  }

  /**
   * Whether this point's positions are image-state rows ({@code projector.out} and
   * {@code lm.L.cross_states}) rather than token positions or vision-tower rows.
   */
  public boolean hasStateRows() {
    return component == Component.PROJECTOR || site == Site.CROSS_STATES;
  }

  /** Whether this is a residual-stream point of the language model. */
  public boolean isLmResid() {
    return component == Component.LM && site == Site.RESID_POST;
  }

  private static String siteText(Site site) {
    return site.name().toLowerCase(Locale.ROOT);
  }

  /** The canonical text form, for example {@code lm.12.resid_post}. */
  @Override
  public String toString() {
    if (component == Component.PROJECTOR) {
      return "projector.out";
    }
    return component.name().toLowerCase(Locale.ROOT) + "." + layer + "." + siteText(site);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof HookPoint)) {
      return false;
    }
    HookPoint h = (HookPoint) o;
    return component == h.component && layer == h.layer && site == h.site;
  }

  @Override
  public int hashCode() {
    return Objects.hash(component, layer, site);
  }

  /** Orders by component (vision, projector, language model), then layer, then site. */
  @Override
  public int compareTo(HookPoint o) {
    int c = Integer.compare(flowOrder(component), flowOrder(o.component));
    if (c != 0) {
      return c;
    }
    c = Integer.compare(layer, o.layer);
    if (c != 0) {
      return c;
    }
    return Integer.compare(siteOrder(site), siteOrder(o.site));
  }

  private static int flowOrder(Component c) {
    switch (c) {
      case VISION:
        return 0;
      case PROJECTOR:
        return 1;
      default:
        return 2;
    }
  }

  private static int siteOrder(Site s) {
    switch (s) {
      case RESID_PRE:
        return 0;
      case CROSS_STATES:
        return 1;
      case ATTN_SCORES:
        return 2;
      case ATTN_PATTERN:
        return 3;
      case ATTN_Z:
        return 4;
      case ATTN_OUT:
        return 5;
      case RESID_MID:
        return 6;
      case MLP_OUT:
        return 7;
      default:
        return 8;
    }
  }

  /** Whether this point holds attention scores or probabilities ({@code [heads, keys]} per query). */
  public boolean isAttentionMap() {
    return site == Site.ATTN_SCORES || site == Site.ATTN_PATTERN;
  }
}
