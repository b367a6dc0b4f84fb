package io.github.vlmlens.spatial.ids;

import com.fasterxml.jackson.annotation.JsonValue;
import io.github.vlmlens.core.API;
import java.util.Objects;

/**
 * What {@link SpatialIdExtraction#run} returns: the ID tables and the analysis of them. Written as
 * JSON, it is its {@link #result()} (the tables have their own file, {@link SpatialIds#save}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ExtractedIds {
  private final SpatialIds ids;
  private final IdExtractionResult result;

  private ExtractedIds(SpatialIds ids, IdExtractionResult result) {
    this.ids = ids;
    this.result = result;
  }

  /** The pair of tables and result. */
  public static ExtractedIds of(SpatialIds ids, IdExtractionResult result) {
    return new ExtractedIds(Objects.requireNonNull(ids, "ids"), Objects.requireNonNull(result, "result"));
  }

  /** The ID tables. */
  public SpatialIds ids() {
    return ids;
  }

  /** The analysis: axes, linearity, explained variance, plain against spatial prompts. */
  @JsonValue
  public IdExtractionResult result() {
    return result;
  }

  /** The terminal summary of the result ({@link IdReport#summary}). */
  public String summary() {
    return IdReport.summary(result);
  }

  @Override
  public String toString() {
    return "ExtractedIds[" + ids + "]";
  }
}
