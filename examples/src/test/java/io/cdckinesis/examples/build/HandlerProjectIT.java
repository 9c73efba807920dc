package io.cdckinesis.examples.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * {@code examples/lambda-handler-project} builds, tests and shades against the cdc-kinesis
 * artifacts as a user gets them installed: this build's jars and poms are installed into a private
 * local repository (never the shared one), and the example is built with Maven against it.
 *
 * <p>Everything else the example needs (the SDK, plugins ...) comes from this build's own local
 * repository, read through a {@code file:} mirror, so nothing is downloaded: the example pins the
 * plugin and library versions this build uses. (Maven 3.8 has no read-only tail for a local
 * repository, so a mirror is how a private repository gets them without the network.)
 */
class HandlerProjectIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path PROJECT = ROOT.resolve("examples/lambda-handler-project");

  @Test
  void theExampleProjectBuildsAgainstTheInstalledArtifacts(@TempDir Path tmp) throws Exception {
    Path repository = tmp.resolve("repository");
    String version = text(pom(ROOT.resolve("pom.xml")), "version");
    List<String> installed = install(repository, version);
    assertThat(installed).contains("cdc-kinesis-parent", "cdc-kinesis-bom", "cdc-lambda-adapters");

    Path project = tmp.resolve("project");
    copy(PROJECT, project);
    Path settings = tmp.resolve("settings.xml");
    Files.writeString(settings, settings(buildRepository()));

    List<String> command = new ArrayList<>();
    command.add(Path.of(mavenHome(), "bin", "mvn").toString());
    command.addAll(
        List.of(
            "-B",
            "-s",
            settings.toString(),
            "-Dmaven.repo.local=" + repository,
            "-Dcdc-kinesis.version=" + version,
            "package"));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("build.log").toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().remove("MAVEN_OPTS");
    Process build = pb.start();
    boolean finished = build.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      build.destroyForcibly();
    }
    String log = Files.readString(tmp.resolve("build.log"), StandardCharsets.UTF_8);
    assertThat(finished).as("the example's build finished in 5 minutes:\n%s", log).isTrue();
    assertThat(build.exitValue()).as("the example's build:\n%s", log).isZero();
    assertThat(log).contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0");

    try (ZipFile jar = new ZipFile(project.resolve("target/cdc-handlers.jar").toFile())) {
      for (String entry :
          List.of(
              "com/example/cdc/ChangeHandler.class",
              "com/example/cdc/CustomerHandler.class",
              "io/cdckinesis/lambda/KinesisChangeHandler.class",
              "io/cdckinesis/lambda/S3ToKinesisHandler.class",
              "io/cdckinesis/pipeline/consumer/ChangeConsumer.class",
              "org/crac/Resource.class",
              "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class",
              "logback.xml")) {
        assertThat(jar.getEntry(entry)).as(entry).isNotNull();
      }
      assertThat(jar.getEntry("io/netty/channel/Channel.class")).as("netty is left out").isNull();
    }
    assertThat(repository.resolve("io/cdckinesis")).isDirectory();
  }

  /**
   * What {@code mvn install} would put in a local repository for this build: the parent and BOM
   * poms, and the pom and jar of every published module whose jar this build made. Returns the
   * artifact ids installed.
   */
  private static List<String> install(Path repository, String version) throws Exception {
    List<String> installed = new ArrayList<>();
    installPom(repository, "cdc-kinesis-parent", version, ROOT.resolve("pom.xml"));
    installed.add("cdc-kinesis-parent");
    installPom(repository, "cdc-kinesis-bom", version, ROOT.resolve("cdc-kinesis-bom/pom.xml"));
    installed.add("cdc-kinesis-bom");
    for (String module : texts(pom(ROOT.resolve("pom.xml")), "modules")) {
      Path dir = ROOT.resolve(module);
      Element pom = pom(dir.resolve("pom.xml"));
      String artifactId = text(pom, "artifactId");
      Element properties = child(pom, "properties");
      boolean published =
          properties == null || !"true".equals(text(properties, "maven.deploy.skip"));
      Path jar = dir.resolve("target").resolve(artifactId + "-" + version + ".jar");
      if (!published || !Files.isRegularFile(jar)) {
        continue;
      }
      Path folder = installPom(repository, artifactId, version, dir.resolve("pom.xml"));
      Files.copy(jar, folder.resolve(artifactId + "-" + version + ".jar"));
      installed.add(artifactId);
    }
    return installed;
  }

  private static Path installPom(Path repository, String artifactId, String version, Path pom)
      throws IOException {
    Path folder = repository.resolve("io/cdckinesis").resolve(artifactId).resolve(version);
    Files.createDirectories(folder);
    Files.copy(pom, folder.resolve(artifactId + "-" + version + ".pom"));
    return folder;
  }

  /** Every repository mirrored by this build's local repository, read-only through file:. */
  private static String settings(Path buildRepository) {
    return """
        <settings>
          <mirrors>
            <mirror>
              <id>this-build</id>
              <mirrorOf>*</mirrorOf>
              <url>%s</url>
            </mirror>
          </mirrors>
        </settings>
        """
        .formatted(buildRepository.toUri());
  }

  private static Path buildRepository() {
    String configured = System.getProperty("cdc.build.repository");
    Path repository =
        configured == null || configured.isBlank()
            ? Path.of(System.getProperty("user.home"), ".m2", "repository")
            : Path.of(configured);
    assertThat(repository).isDirectory();
    return repository;
  }

  private static String mavenHome() {
    String home = System.getProperty("maven.home");
    if (home == null || home.isBlank()) {
      home = System.getenv("MAVEN_HOME");
    }
    assertThat(home).as("maven.home (set by the build)").isNotBlank();
    return home;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path rel = from.relativize(f);
        if (rel.startsWith("target")) {
          continue;
        }
        Path target = to.resolve(rel.toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static Element pom(Path file) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
  }

  /** The root's first child element of that name, or null. */
  private static Element child(Element root, String name) {
    NodeList children = root.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      Node n = children.item(i);
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  /** The text of the root's first child element of that name, or "". */
  private static String text(Element root, String name) {
    Element e = child(root, name);
    return e == null ? "" : e.getTextContent().trim();
  }

  /** The texts of the grandchildren of the root's child {@code name} (e.g. modules/module). */
  private static List<String> texts(Element root, String name) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("\\S+").matcher(text(root, name));
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }
}
