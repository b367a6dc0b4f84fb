package io.github.vlmlens.examples.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vlmlens.spatial.scene.GridCell;
import io.github.vlmlens.spatial.scene.GridSpec;
import io.github.vlmlens.spatial.scene.ObjectLibrary;
import io.github.vlmlens.spatial.scene.Placement;
import io.github.vlmlens.tiny.TinyVlm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java block of the README compiles as written, and runs: on the bundled tiny VLM (where the
 * first look's patch must flip the answer, and the tiny look, with nothing but library code, must
 * answer its scene) and on the Hugging Face-made fixtures.
 */
class ReadmeSnippetsTest {
  static final Path README = Path.of("..", "README.md");
  static final Path FIXTURES = Path.of("..", "vlmlens-hooks", "src", "test", "resources", "fixtures");

  @TempDir static Path dir;
  static Map<String, Class<?>> classes = new LinkedHashMap<>();

  @BeforeAll
  static void compileEveryJavaBlock() throws Exception {
    String readme = Files.readString(README);
    Matcher m = Pattern.compile("```java\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
    List<String> files = new ArrayList<>();
    List<String> names = new ArrayList<>();
    while (m.find()) {
      String code = m.group(1);
      Matcher c = Pattern.compile("public class (\\w+)").matcher(code);
      assertTrue(c.find(), "every Java block of the README is a complete program:\n" + code);
      Path src = dir.resolve(c.group(1) + ".java");
      Files.writeString(src, code);
      files.add(src.toString());
      names.add(c.group(1));
    }
    assertTrue(names.size() >= 2, "README Java blocks: " + names);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("-d", dir.toString(), "-cp", System.getProperty("java.class.path")));
    args.addAll(files);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = javac.run(null, null, err, args.toArray(new String[0]));
    assertEquals(0, rc, "the README's Java does not compile:\n" + err.toString(StandardCharsets.UTF_8));
    URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, ReadmeSnippetsTest.class.getClassLoader());
    for (String n : names) {
      classes.put(n, loader.loadClass(n));
    }
  }

  private static String runMain(String name, String... args) throws Exception {
    Method main = classes.get(name).getMethod("main", String[].class);
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      main.invoke(null, (Object) args);
    } finally {
      System.setOut(old);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theFirstLookFlipsTheTinyVlmsAnswer() throws Exception {
    ObjectLibrary lib = ObjectLibrary.builtIn();
    Placement scene =
        Placement.of(GridSpec.tiny(), lib.get("star"), GridCell.of(1, 3), lib.get("ball"), GridCell.of(2, 0), 1);
    Path png = dir.resolve("scene.png");
    scene.render().writePng(png);
    String out =
        runMain("FirstLook", TinyVlm.checkpointDir().toString(), png.toString(),
            "Is the ball to the left or right of the star?", "ball");
    assertTrue(out.contains("plain:   left"), out);
    assertTrue(out.contains("patched: right"), out);
  }

  @Test
  void theTinyLookRunsTheTinyModelFromLibraryCode() throws Exception {
    String out = runMain("TinyLook");
    Matcher m = Pattern.compile("P\\(left\\) = ([0-9.]+), P\\(right\\) = ([0-9.]+)").matcher(out);
    assertTrue(m.find(), out);
    double left = Double.parseDouble(m.group(1));
    double right = Double.parseDouble(m.group(2));
    // the ball (column 0) is left of the star (column 3): the model says so, and not by a hair
    assertTrue(left > 0.9 && right < 0.1 && left + right <= 1.0005, out);
  }

  @Test
  void everyProgramRunsOnTheFixtures() throws Exception {
    for (String family : new String[] {"llava", "qwen2_vl", "gemma3"}) {
      Path fx = FIXTURES.resolve(family);
      String out = runMain("FirstLook", fx.resolve("checkpoint").toString(), fx.resolve("image.png").toString());
      assertTrue(out.contains("plain:") && out.contains("patched:"), family + ": " + out);
      String gpu = runMain("OnTheGpu", fx.resolve("checkpoint").toString());
      assertTrue(gpu.contains("hook points"), family + ": " + gpu);
    }
  }
}
