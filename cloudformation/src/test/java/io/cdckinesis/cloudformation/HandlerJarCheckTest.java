package io.cdckinesis.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdckinesis.cloudformation.HandlerJarCheck.NamedClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar check against a small jar of dummy classes compiled here. */
class HandlerJarCheckTest {

  @TempDir static Path dir;
  static Path jar;

  @BeforeAll
  static void buildJar() throws IOException {
    Path src = Files.createDirectories(dir.resolve("src/io/cdckinesis/lambda"));
    Files.writeString(
        src.resolve("S3ToKinesisHandler.java"),
        "package io.cdckinesis.lambda; public class S3ToKinesisHandler {"
            + " public String handleRequest(Object event, Object context) { return null; } }");
    Files.writeString(
        src.resolve("BaseHandler.java"),
        "package io.cdckinesis.lambda; public abstract class BaseHandler {"
            + " public Object handleRequest(Object event, Object context) { return null; } }");
    Files.writeString(
        src.resolve("KinesisChangeHandler.java"),
        "package io.cdckinesis.lambda; public class KinesisChangeHandler extends BaseHandler {"
            + " static final long BIG = 1L << 40; static final double D = 0.5;"
            + " private Runnable r = () -> {}; }");
    Files.writeString(
        src.resolve("NoMethods.java"), "package io.cdckinesis.lambda; public class NoMethods {}");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args;
    try (Stream<Path> files = Files.list(src)) {
      args = Stream.concat(Stream.of("-d", classes.toString()), files.map(Path::toString)).toList();
    }
    assertThat(javac.run(null, null, null, args.toArray(String[]::new))).isZero();
    jar = dir.resolve("cdc-lambda.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
    }
  }

  @Test
  void handlersPresentInTheJarPass() {
    List<NamedClass> named =
        List.of(
            new NamedClass("io.cdckinesis.lambda.S3ToKinesisHandler", "handleRequest", "a"),
            new NamedClass("io.cdckinesis.lambda.KinesisChangeHandler", "handleRequest", "b"),
            new NamedClass("io.cdckinesis.lambda.NoMethods", null, "c"));
    assertThat(HandlerJarCheck.check(jar, named)).isEmpty();
  }

  @Test
  void aMissingClassIsReportedWithWhereTheTemplateNamesIt() {
    List<NamedClass> named =
        List.of(new NamedClass("io.cdckinesis.lambda.Missing", "handleRequest", "Resources.F"));
    assertThat(HandlerJarCheck.check(jar, named))
        .containsExactly(
            "Resources.F: class io.cdckinesis.lambda.Missing is not in cdc-lambda.jar");
  }

  @Test
  void aMissingMethodIsReported() {
    List<NamedClass> named =
        List.of(new NamedClass("io.cdckinesis.lambda.NoMethods", "handleRequest", "Resources.G"));
    assertThat(HandlerJarCheck.check(jar, named))
        .singleElement()
        .asString()
        .contains("Resources.G: class io.cdckinesis.lambda.NoMethods has no method handleRequest");
  }

  @Test
  void aMissingJarIsReported() {
    assertThat(HandlerJarCheck.check(dir.resolve("nope.jar"), List.of()))
        .singleElement()
        .asString()
        .contains("nope.jar does not exist");
  }

  @Test
  void theTemplateNamesTheHandlersTheDefaultTableHandlerAndTheCracApi() {
    List<NamedClass> named = HandlerJarCheck.namedClasses(CfnTemplate.projectTemplate());
    assertThat(named)
        .extracting(NamedClass::className, NamedClass::method)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "io.cdckinesis.lambda.S3ToKinesisHandler", "handleRequest"),
            org.assertj.core.groups.Tuple.tuple(
                "io.cdckinesis.lambda.KinesisChangeHandler", "handleRequest"),
            org.assertj.core.groups.Tuple.tuple(
                "io.cdckinesis.lambda.SweepHandler", "handleRequest"),
            org.assertj.core.groups.Tuple.tuple("io.cdckinesis.core.spi.LoggingTableHandler", null),
            org.assertj.core.groups.Tuple.tuple("org.crac.Resource", null),
            org.assertj.core.groups.Tuple.tuple("org.crac.Resource", null),
            org.assertj.core.groups.Tuple.tuple("org.crac.Resource", null));
  }
}
