package io.github.vlmlens.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.domain.JavaTypeVariable;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.freeze.FreezingArchRule;
import io.github.vlmlens.core.API;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * The rules of DESIGN.md, enforced on every vlmlens module's main classes: module dependencies
 * point one way, internals stay internal, and every public type states its API status.
 */
class ArchitectureTest {
  private static final String ROOT = "io.github.vlmlens";
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(ROOT);
    // The jars of the sibling modules are directories on the reactor classpath, or jars when
    // installed: import those too.
    if (classes.stream().noneMatch(c -> c.getPackageName().startsWith(ROOT + ".core"))) {
      classes =
          new ClassFileImporter()
              .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
              .importPackages(ROOT);
    }
  }

  @Test
  void everyModuleIsImported() {
    for (String m : List.of("core", "hooks", "spatial", "temporal", "tiny", "examples")) {
      if (classes.stream().noneMatch(c -> c.getPackageName().startsWith(ROOT + "." + m))) {
        throw new AssertionError("no classes of module " + m + " were imported");
      }
    }
  }

  @Test
  void coreDependsOnNoDjlAndNoOtherModule() {
    noClasses()
        .that().resideInAPackage(ROOT + ".core..")
        .should().dependOnClassesThat()
        .resideInAnyPackage(
            "ai.djl..", ROOT + ".hooks..", ROOT + ".spatial..", ROOT + ".temporal..", ROOT + ".tiny..",
            ROOT + ".examples..")
        .check(classes);
  }

  @Test
  void analysesTalkToModelsThroughCoreOnly() {
    noClasses()
        .that().resideInAnyPackage(ROOT + ".spatial..", ROOT + ".temporal..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("ai.djl..", ROOT + ".hooks..", ROOT + ".tiny..", ROOT + ".examples..")
        .check(classes);
    noClasses().that().resideInAPackage(ROOT + ".spatial..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".temporal..")
        .check(classes);
    noClasses().that().resideInAPackage(ROOT + ".temporal..")
        .should().dependOnClassesThat().resideInAPackage(ROOT + ".spatial..")
        .check(classes);
  }

  @Test
  void hooksDependOnCoreOnly() {
    noClasses()
        .that().resideInAPackage(ROOT + ".hooks..")
        .should().dependOnClassesThat()
        .resideInAnyPackage(ROOT + ".spatial..", ROOT + ".temporal..", ROOT + ".tiny..", ROOT + ".examples..")
        .check(classes);
  }

  /** The bundled models' module is a library: hooks and core only, no analyses, no command line. */
  @Test
  void tinyModelsDependOnHooksAndCoreOnly() {
    noClasses()
        .that().resideInAPackage(ROOT + ".tiny..")
        .should().dependOnClassesThat()
        .resideInAnyPackage(ROOT + ".spatial..", ROOT + ".temporal..", ROOT + ".examples..", "picocli..",
            "org.slf4j.simple..")
        .check(classes);
  }

  @Test
  void internalPackagesAreNotUsedOutsideTheirModule() {
    for (String m : List.of("core", "hooks", "spatial", "temporal", "tiny", "examples")) {
      noClasses()
          .that().resideOutsideOfPackage(ROOT + "." + m + "..")
          .should().dependOnClassesThat().resideInAPackage(ROOT + "." + m + "..internal..")
          .allowEmptyShould(true)
          .check(classes);
    }
  }

  @Test
  void noInternalTypeInAPublicSignature() {
    classes()
        .that(publicApiTypes())
        .should(exposeNoInternalType())
        .allowEmptyShould(true)
        .check(classes);
  }

  /** A leak only through a type argument's bound, as HtmlPage.chartRow had (XChart's internal base class). */
  public static final class LeaksThroughATypeArgument {
    public List<? extends org.knowm.xchart.internal.chartpart.Chart<?, ?>> charts() {
      return List.of();
    }
  }

  @Test
  void anInternalTypeAsATypeArgumentIsCaught() {
    JavaClasses fixture = new ClassFileImporter().importClasses(LeaksThroughATypeArgument.class);
    AssertionError e = assertThrows(AssertionError.class,
        () -> classes().should(exposeNoInternalType()).check(fixture));
    assertTrue(e.getMessage().contains("charts() returns java.util.List<? extends org.knowm.xchart.internal.chartpart"
        + ".Chart<?, ?>> (involving org.knowm.xchart.internal.chartpart.Chart)"), e.getMessage());
  }

  @Test
  void everyPublicTypeCarriesItsApiStatus() {
    classes()
        .that(publicApiTypes())
        .and().areTopLevelClasses()
        .should().beAnnotatedWith(API.class)
        .check(classes);
  }

  @Test
  void noCyclesBetweenModulesOrTheirPublicPackages() {
    slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
  }

  /**
   * No cycles between any two packages (every package its own slice), checked module by module
   * (Maven already forbids cycles between modules, and ArchUnit's cycle search over the whole graph
   * missed cycles that it finds in one module's). Cycles that remain are frozen in
   * {@code src/test/resources/archunit-store} (see {@code archunit.properties}): a new one fails the
   * build, and one that is removed leaves the store.
   */
  @Test
  void noCyclesBetweenPackages() {
    for (String m : List.of("core", "hooks", "spatial", "temporal", "tiny", "examples")) {
      FreezingArchRule.freeze(
              slices().matching(ROOT + ".(**)").should().beFreeOfCycles()
                  .as("no cycles between the packages of " + ROOT + "." + m))
          .check(classes.that(JavaClass.Predicates.resideInAPackage(ROOT + "." + m + "..")));
    }
  }

  @Test
  void theApiCheckProfileComparesExactlyTheStableTypes() {
    Set<String> stable = new TreeSet<>();
    for (JavaClass c : classes) {
      if (c.isTopLevelClass()
          && c.tryGetAnnotationOfType(API.class).map(a -> a.status() == API.Status.STABLE).orElse(false)) {
        stable.add(c.getName());
      }
    }
    Element project = Poms.read(Poms.root().resolve("pom.xml")).getDocumentElement();
    Set<String> compared = new TreeSet<>();
    for (Element profile : Poms.children(Poms.path(project, "profiles"), "profile")) {
      if ("api-check".equals(Poms.text(profile, "id"))) {
        Element plugin = Poms.path(profile, "build", "plugins", "plugin");
        for (Element i : Poms.children(Poms.path(plugin, "configuration", "parameter", "includes"), "include")) {
          compared.add(i.getTextContent().trim());
        }
      }
    }
    assertEquals(stable, compared, "the api-check profile's <includes> in pom.xml against the STABLE types");
  }

  private static DescribedPredicate<JavaClass> publicApiTypes() {
    return DescribedPredicate.describe(
        "public types outside internal packages",
        c -> c.getModifiers().contains(JavaModifier.PUBLIC)
            && !c.getPackageName().contains(".internal")
            && c.getPackageName().startsWith(ROOT)
            && !c.getPackageName().startsWith(ROOT + ".examples"));
  }

  private static ArchCondition<JavaClass> exposeNoInternalType() {
    return new ArchCondition<>(
        "expose no internal type (raw, as a type argument or a bound) in a public or protected signature") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        List<String> leaks = new ArrayList<>();
        for (JavaCodeUnit u : c.getCodeUnits()) {
          if (!isVisible(u.getModifiers())) {
            continue;
          }
          leaks(leaks, u.getFullName() + " returns ", u.getReturnType());
          for (JavaType p : u.getParameterTypes()) {
            leaks(leaks, u.getFullName() + " takes ", p);
          }
          for (JavaTypeVariable<?> v : u.getTypeParameters()) {
            leaks(leaks, u.getFullName() + " declares ", v);
          }
        }
        for (JavaField f : c.getFields()) {
          if (isVisible(f.getModifiers())) {
            leaks(leaks, f.getFullName() + " is of type ", f.getType());
          }
        }
        c.getSuperclass().ifPresent(s -> leaks(leaks, c.getName() + " extends ", s));
        for (JavaType i : c.getInterfaces()) {
          leaks(leaks, c.getName() + " implements ", i);
        }
        for (JavaTypeVariable<?> v : c.getTypeParameters()) {
          leaks(leaks, c.getName() + " declares ", v);
        }
        for (String l : leaks) {
          events.add(SimpleConditionEvent.violated(c, l));
        }
      }
    };
  }

  /** Adds a leak for every internal type involved in {@code t}: itself, its type arguments, bounds, arrays. */
  private static void leaks(List<String> leaks, String where, JavaType t) {
    for (JavaClass involved : t.getAllInvolvedRawTypes()) {
      if (isInternal(involved)) {
        String name = t.getName();
        leaks.add(where + name + (name.equals(involved.getName()) ? "" : " (involving " + involved.getName() + ")"));
      }
    }
  }

  private static boolean isVisible(java.util.Set<JavaModifier> m) {
    return m.contains(JavaModifier.PUBLIC) || m.contains(JavaModifier.PROTECTED);
  }

  /** A type of an {@code internal} package: vlmlens' own, or a library's (e.g. XChart's chart base class). */
  private static boolean isInternal(JavaClass t) {
    JavaClass base = t.isArray() ? t.getBaseComponentType() : t;
    return (base.getPackageName() + ".").contains(".internal.");
  }
}
