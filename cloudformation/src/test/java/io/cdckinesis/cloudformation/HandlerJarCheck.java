package io.cdckinesis.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks that the classes the template names exist in the deployable jar: each function's {@code
 * Handler} ({@code package.Class::method}, the method declared by the class or a superclass in the
 * jar), the default of every parameter that names a handler class ({@code DefaultHandler}), and for
 * a function with SnapStart the CRaC API ({@code org.crac.Resource}) its priming uses.
 */
final class HandlerJarCheck {

  /** A class the template names, the method it must have (or null), and where it is named. */
  record NamedClass(String className, String method, String where) {}

  private HandlerJarCheck() {}

  /** The deployable jar: system property {@code cdc.lambda.jar}. */
  static Path projectJarPath() {
    String configured = System.getProperty("cdc.lambda.jar");
    return Path.of(
        configured == null || configured.isBlank()
            ? "../cdc-lambda-adapters/target/cdc-lambda.jar"
            : configured);
  }

  /** Function handlers and handler-class parameter defaults named by the template. */
  static List<NamedClass> namedClasses(CfnTemplate t) {
    List<NamedClass> out = new ArrayList<>();
    t.resourcesOfType("AWS::Lambda::Function")
        .forEach(
            (id, fn) -> {
              JsonNode handler = CfnTemplate.properties(fn).path("Handler");
              String where = "Resources." + id + ".Properties.Handler";
              if (!handler.isTextual()) {
                out.add(new NamedClass("", null, where + " (not a literal string)"));
                return;
              }
              if (SnapStartValidator.hasSnapStart(fn)) {
                // The CRaC API its priming registers with; without it the handler cannot load.
                out.add(
                    new NamedClass(
                        "org.crac.Resource", null, "Resources." + id + ".Properties.SnapStart"));
              }
              String text = handler.asText();
              int sep = text.indexOf("::");
              out.add(
                  sep < 0
                      ? new NamedClass(text, "handleRequest", where)
                      : new NamedClass(text.substring(0, sep), text.substring(sep + 2), where));
            });
    for (Map.Entry<String, JsonNode> p : Intrinsics.iterable(t.parameters())) {
      if (p.getKey().endsWith("Handler") && p.getValue().path("Default").isTextual()) {
        out.add(
            new NamedClass(
                p.getValue().get("Default").asText(),
                null,
                "Parameters." + p.getKey() + ".Default"));
      }
    }
    return out;
  }

  /** The problems: a missing jar, class or method, each naming where the template names it. */
  static List<String> check(Path jar, List<NamedClass> named) {
    List<String> problems = new ArrayList<>();
    if (!Files.isRegularFile(jar)) {
      problems.add(
          "the deployable jar "
              + jar.toAbsolutePath().normalize()
              + " does not exist (build cdc-lambda-adapters first)");
      return problems;
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      for (NamedClass c : named) {
        if (c.className().isEmpty()) {
          problems.add(c.where() + ": no class name");
          continue;
        }
        Optional<ClassInfo> info = classInfo(zip, c.className());
        if (info.isEmpty()) {
          problems.add(c.where() + ": class " + c.className() + " is not in " + jar.getFileName());
        } else if (c.method() != null && !hasMethod(zip, info.get(), c.method())) {
          problems.add(
              c.where()
                  + ": class "
                  + c.className()
                  + " has no method "
                  + c.method()
                  + " (nor a superclass in "
                  + jar.getFileName()
                  + ")");
        }
      }
    } catch (IOException e) {
      problems.add("cannot read " + jar + ": " + e);
    }
    return problems;
  }

  private static boolean hasMethod(ZipFile zip, ClassInfo start, String method) throws IOException {
    Set<String> seen = new HashSet<>();
    Optional<ClassInfo> current = Optional.of(start);
    while (current.isPresent() && seen.add(current.get().name())) {
      if (current.get().methods().contains(method)) {
        return true;
      }
      String superName = current.get().superName();
      current = superName == null ? Optional.empty() : classInfo(zip, superName.replace('/', '.'));
    }
    return false;
  }

  private static Optional<ClassInfo> classInfo(ZipFile zip, String className) throws IOException {
    ZipEntry entry = zip.getEntry(className.replace('.', '/') + ".class");
    if (entry == null) {
      return Optional.empty();
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return Optional.of(ClassInfo.parse(in.readAllBytes(), entry.getName()));
    }
  }

  /** The name, superclass and method names of a class file (JVMS chapter 4). */
  record ClassInfo(String name, String superName, Set<String> methods) {

    static ClassInfo parse(byte[] bytes, String source) throws IOException {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      if (in.readInt() != 0xCAFEBABE) {
        throw new IOException(source + " is not a class file");
      }
      in.readUnsignedShort(); // minor
      in.readUnsignedShort(); // major
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      int[] classNameIndex = new int[count];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 7 -> classNameIndex[i] = in.readUnsignedShort();
          case 8, 16, 19, 20 -> in.skipNBytes(2);
          case 15 -> in.skipNBytes(3);
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
          case 5, 6 -> {
            in.skipNBytes(8);
            i++; // long and double take two slots
          }
          default -> throw new IOException(source + ": unknown constant pool tag " + tag);
        }
      }
      in.readUnsignedShort(); // access flags
      String name = utf8[classNameIndex[in.readUnsignedShort()]];
      int superIndex = in.readUnsignedShort();
      String superName = superIndex == 0 ? null : utf8[classNameIndex[superIndex]];
      in.skipNBytes(2L * in.readUnsignedShort()); // interfaces
      skipMembers(in); // fields
      Set<String> methods = new HashSet<>();
      int methodCount = in.readUnsignedShort();
      for (int m = 0; m < methodCount; m++) {
        in.readUnsignedShort(); // access flags
        methods.add(utf8[in.readUnsignedShort()]);
        in.readUnsignedShort(); // descriptor
        skipAttributes(in);
      }
      return new ClassInfo(name, superName, Set.copyOf(methods));
    }

    private static void skipMembers(DataInputStream in) throws IOException {
      int count = in.readUnsignedShort();
      for (int i = 0; i < count; i++) {
        in.skipNBytes(6); // access flags, name, descriptor
        skipAttributes(in);
      }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
      int count = in.readUnsignedShort();
      for (int i = 0; i < count; i++) {
        in.readUnsignedShort(); // name
        in.skipNBytes(in.readInt() & 0xFFFFFFFFL);
      }
    }
  }
}
