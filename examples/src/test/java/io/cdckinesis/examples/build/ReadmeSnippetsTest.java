package io.cdckinesis.examples.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README compiles as written, against the modules as they are
 * (the test classpath of this module, which has them all), so that an API change that breaks a
 * snippet fails the build.
 *
 * <p>The convention: each block is one source file, compiled together with the README's other
 * blocks (so one may use a class another declares). A block that declares a public type is that
 * type's file, imports and package included. A block that declares none is a method body: its
 * {@code import} lines stay at the top and the rest becomes the body of {@code void run() throws
 * Exception} in a class of its own.
 */
class ReadmeSnippetsTest {

  private static final Path README = Path.of("..", "README.md");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
  private static final Pattern PUBLIC_TYPE =
      Pattern.compile(
          "(?m)^public\\s+(?:(?:final|abstract|sealed)\\s+)*(?:class|interface|record|enum)\\s+(\\w+)");

  /** A block: its first line in the README, and its text. */
  record Snippet(int line, String text) {}

  @Test
  void everyJavaSnippetCompilesAsWritten(@TempDir Path dir) throws IOException {
    List<Snippet> snippets = snippets(Files.readAllLines(README, StandardCharsets.UTF_8));
    assertThat(snippets).as("java blocks in the README").hasSizeGreaterThanOrEqualTo(3);

    List<Path> sources = new ArrayList<>();
    List<Integer> offsets = new ArrayList<>(); // README line of each source's line 1
    for (int i = 0; i < snippets.size(); i++) {
      Snippet s = snippets.get(i);
      Matcher type = PUBLIC_TYPE.matcher(s.text());
      Matcher pkg = PACKAGE.matcher(s.text());
      String folder = pkg.find() ? pkg.group(1).replace('.', '/') : "";
      String name;
      String source;
      int offset;
      if (type.find()) {
        name = type.group(1);
        source = s.text();
        offset = s.line();
      } else {
        name = "ReadmeSnippet" + (i + 1);
        List<String> imports = new ArrayList<>();
        List<String> body = new ArrayList<>();
        for (String l : s.text().split("\n", -1)) {
          (l.startsWith("import ") || l.startsWith("package ") ? imports : body).add(l);
        }
        source =
            String.join("\n", imports)
                + "\nclass "
                + name
                + " { void run() throws Exception {\n"
                + String.join("\n", body)
                + "\n}}\n";
        offset =
            s.line() - 1; // imports first, then the wrapper line: body lines keep their numbers
      }
      Path file = dir.resolve("src").resolve(folder).resolve(name + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, source, StandardCharsets.UTF_8);
      sources.add(file);
      offsets.add(offset);
    }

    List<String> errors = compile(sources, offsets, dir.resolve("classes"));

    assertThat(errors).as("README snippets that do not compile").isEmpty();
  }

  /** The ```java blocks, with the README line number of their first line. */
  static List<Snippet> snippets(List<String> readme) {
    List<Snippet> snippets = new ArrayList<>();
    for (int i = 0; i < readme.size(); i++) {
      if (readme.get(i).strip().equals("```java")) {
        int start = i + 1;
        int end = start;
        while (end < readme.size() && !readme.get(end).strip().equals("```")) {
          end++;
        }
        snippets.add(new Snippet(start + 1, String.join("\n", readme.subList(start, end))));
        i = end;
      }
    }
    return snippets;
  }

  private static List<String> compile(List<Path> sources, List<Integer> offsets, Path classes)
      throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK's compiler").isNotNull();
    Files.createDirectories(classes);
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      boolean ok =
          javac
              .getTask(
                  null,
                  files,
                  diagnostics,
                  List.of(
                      "--release",
                      "17",
                      "-proc:none",
                      "-classpath",
                      classpath,
                      "-d",
                      classes.toString()),
                  null,
                  files.getJavaFileObjectsFromPaths(sources))
              .call();
      List<String> errors = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          Path source = Path.of(d.getSource().toUri());
          int offset = offsets.get(sources.indexOf(source));
          errors.add(
              "README.md:"
                  + (offset + d.getLineNumber() - 1)
                  + ": "
                  + d.getMessage(Locale.ROOT).lines().findFirst().orElse(""));
        }
      }
      if (!ok && errors.isEmpty()) {
        errors.add("the compiler failed without an error message");
      }
      return errors;
    }
  }
}
