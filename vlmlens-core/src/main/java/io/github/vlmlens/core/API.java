package io.github.vlmlens.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The API status of a public vlmlens type or member, in the spirit of apiguardian's {@code @API}.
 *
 * <p>Every public top-level type outside an {@code internal} package carries it; an ArchUnit rule
 * in {@code vlmlens-examples} fails the build when one does not.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
@API(status = API.Status.STABLE, since = "0.1.0")
public @interface API {

  /** How far the annotated element may be relied upon. */
  Status status();

  /** The version of the module in which the element got its current status. */
  String since() default "";

  /** The lifecycle stages of a public element. */
  enum Status {
    /** Only for vlmlens' own modules; may change without notice. */
    INTERNAL,
    /** New and open to change in a minor release. */
    EXPERIMENTAL,
    /** Kept compatible within a major version. */
    STABLE,
    /** Will be removed; see the element's Javadoc for the replacement. */
    DEPRECATED
  }
}
