package io.cdckinesis.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's consumer example compiles as written, imports included. */
class ReadmeSnippetTest {

  @Test
  void theConsumerExampleCompiles(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int from = readme.indexOf("### Consumer: per-table handlers");
    String section = readme.substring(from, readme.indexOf("\n## ", from));
    Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(section);
    List<Path> sources = new ArrayList<>();
    while (block.find()) {
      String code = block.group(1);
      Matcher name = Pattern.compile("public class (\\w+)").matcher(code);
      assertThat(name.find()).as("a public class in\n" + code).isTrue();
      Path file = dir.resolve(name.group(1) + ".java");
      Files.writeString(file, code);
      sources.add(file);
    }
    assertThat(sources).hasSize(2);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    boolean ok;
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
      ok =
          javac
              .getTask(
                  errors,
                  files,
                  null,
                  List.of(
                      "-classpath", System.getProperty("java.class.path"),
                      "-d", dir.toString(),
                      "-Xlint:all", "-Werror"),
                  null,
                  units)
              .call();
    }

    assertThat(ok).as(errors.toString()).isTrue();
    assertThat(dir.resolve("com/example/MyConsumer.class")).exists();
  }
}
