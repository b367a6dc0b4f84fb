package io.github.vlmlens.spatial.scene;

import com.google.common.collect.ImmutableList;
import io.github.vlmlens.core.API;
import io.github.vlmlens.spatial.scene.internal.BuiltInShape;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable set of {@link SceneObject}s with distinct names, in a fixed order.
 *
 * <p>{@link #builtIn()} holds twelve procedurally drawn shapes with distinct silhouettes: ball,
 * box, star, heart, ring, cross, triangle, moon, diamond, arrow, house, tree (each palette colour
 * is the default of two of them). Add your own with {@link #with(SceneObject)}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class ObjectLibrary {
  private static final ObjectLibrary BUILT_IN = builtInLibrary();

  private final ImmutableList<SceneObject> objects;
  private final Map<String, SceneObject> byName;

  private ObjectLibrary(List<SceneObject> objects) {
    this.objects = ImmutableList.copyOf(objects);
    Map<String, SceneObject> map = new LinkedHashMap<>();
    for (SceneObject o : objects) {
      Objects.requireNonNull(o, "object");
      if (map.put(o.name(), o) != null) {
        throw new IllegalArgumentException("two objects are named '" + o.name() + "'");
      }
    }
    this.byName = map;
  }

  private static ObjectLibrary builtInLibrary() {
    PaletteColor[] colors = {
      PaletteColor.RED, PaletteColor.BLUE, PaletteColor.YELLOW, PaletteColor.MAGENTA,
      PaletteColor.CYAN, PaletteColor.GREEN, PaletteColor.CYAN, PaletteColor.YELLOW,
      PaletteColor.MAGENTA, PaletteColor.RED, PaletteColor.BLUE, PaletteColor.GREEN
    };
    BuiltInShape[] shapes = BuiltInShape.values();
    List<SceneObject> list = new ArrayList<>();
    for (int i = 0; i < shapes.length; i++) {
      list.add(SceneObject.builtIn(shapes[i], colors[i]));
    }
    return new ObjectLibrary(list);
  }

  /** The twelve built-in objects. */
  public static ObjectLibrary builtIn() {
    return BUILT_IN;
  }

  /**
   * A library of the given objects, in order.
   *
   * @throws IllegalArgumentException when two share a name or none is given
   */
  public static ObjectLibrary of(Collection<SceneObject> objects) {
    if (objects.isEmpty()) {
      throw new IllegalArgumentException("an object library needs at least one object");
    }
    return new ObjectLibrary(new ArrayList<>(objects));
  }

  /**
   * This library plus {@code object}, appended.
   *
   * @throws IllegalArgumentException when the name is taken
   */
  public ObjectLibrary with(SceneObject object) {
    Objects.requireNonNull(object, "object");
    if (byName.containsKey(object.name())) {
      throw new IllegalArgumentException(
          "the library already has an object named '" + object.name() + "'");
    }
    List<SceneObject> list = new ArrayList<>(objects);
    list.add(object);
    return new ObjectLibrary(list);
  }

  /**
   * The object named {@code name}.
   *
   * @throws IllegalArgumentException listing the known names when there is none
   */
  public SceneObject get(String name) {
    SceneObject o = byName.get(name);
    if (o == null) {
      throw new IllegalArgumentException("no object named '" + name + "'; known: " + names());
    }
    return o;
  }

  /** Whether an object is named {@code name}. */
  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** The objects, in library order. */
  public List<SceneObject> objects() {
    return objects;
  }

  /** The names, in library order. */
  public List<String> names() {
    return ImmutableList.copyOf(byName.keySet());
  }

  /** The number of objects. */
  public int size() {
    return objects.size();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectLibrary && ((ObjectLibrary) o).objects.equals(objects);
  }

  @Override
  public int hashCode() {
    return objects.hashCode();
  }

  @Override
  public String toString() {
    return "ObjectLibrary" + names();
  }
}
