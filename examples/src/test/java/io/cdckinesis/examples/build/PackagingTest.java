package io.cdckinesis.examples.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What Maven Central and users of the library need from the build: a license, POM metadata on every
 * published module, and a BOM that lists exactly the published modules at the project's version. A
 * module is published unless its POM sets {@code maven.deploy.skip}.
 */
class PackagingTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theLicenseIsTheApacheLicense() throws Exception {
    String license = Files.readString(ROOT.resolve("LICENSE"), StandardCharsets.UTF_8);

    assertThat(license.strip())
        .startsWith("Apache License\n                           Version 2.0");
    assertThat(license).contains("END OF TERMS AND CONDITIONS");
  }

  @Test
  void theParentCarriesTheMetadataCentralRequires() throws Exception {
    Element parent = pom(ROOT.resolve("pom.xml"));

    assertThat(text(parent, "url")).startsWith("https://");
    assertThat(text(parent, "licenses/license/name")).isEqualTo("Apache License, Version 2.0");
    assertThat(text(parent, "licenses/license/url"))
        .isEqualTo("https://www.apache.org/licenses/LICENSE-2.0.txt");
    assertThat(text(parent, "developers/developer/name")).isNotBlank();
    assertThat(text(parent, "scm/connection")).startsWith("scm:git:");
    assertThat(text(parent, "scm/url")).isEqualTo(text(parent, "url"));
    assertThat(parent.getAttribute("child.project.url.inherit.append.path")).isEqualTo("false");
  }

  @Test
  void everyPublishedModuleIsNamedDescribedAndInTheBom() throws Exception {
    Element parent = pom(ROOT.resolve("pom.xml"));
    Set<String> published = new TreeSet<>();
    Set<String> unpublished = new TreeSet<>();
    for (String module : texts(parent, "modules/module")) {
      if (module.equals("cdc-kinesis-bom")) {
        continue;
      }
      Element pom = pom(ROOT.resolve(module).resolve("pom.xml"));
      String artifactId = text(pom, "artifactId");
      if ("true".equals(text(pom, "properties/maven.deploy.skip"))) {
        unpublished.add(artifactId);
        assertThat(text(pom, "properties/gpg.skip")).as(module).isEqualTo("true");
      } else {
        published.add(artifactId);
        assertThat(text(pom, "name")).as(module).isNotBlank();
        assertThat(text(pom, "description")).as(module).isNotBlank();
      }
    }

    Element bom = pom(ROOT.resolve("cdc-kinesis-bom/pom.xml"));
    assertThat(text(bom, "version")).isEqualTo(text(parent, "version"));
    assertThat(text(bom, "parent/artifactId")).as("the BOM has no parent").isEmpty();
    assertThat(new TreeSet<>(texts(bom, "dependencyManagement/dependencies/dependency/artifactId")))
        .isEqualTo(published);
    assertThat(texts(bom, "dependencyManagement/dependencies/dependency/version"))
        .containsOnly("${project.version}");
    for (Element pom : List.of(parent, bom)) {
      assertThat(
              new TreeSet<>(
                  texts(
                      pom,
                      "profiles/profile/build/plugins/plugin/configuration/excludeArtifacts/artifact")))
          .as("central-publishing excludeArtifacts")
          .isEqualTo(unpublished);
    }
    assertThat(published).contains("cdc-core", "cdc-lambda-adapters");
  }

  /**
   * The example handler project pins what it shares with this build to this build's versions: users
   * get what we test with, and its build (HandlerProjectIT) finds everything in this build's local
   * repository without downloading.
   */
  @Test
  void theHandlerProjectUsesTheVersionsOfThisBuild() throws Exception {
    Element parent = pom(ROOT.resolve("pom.xml"));
    Element example = pom(ROOT.resolve("examples/lambda-handler-project/pom.xml"));
    java.util.Map<String, String> ours = new java.util.TreeMap<>();
    for (Element plugin : elements(parent, "build/pluginManagement/plugins/plugin")) {
      ours.put(text(plugin, "artifactId"), text(plugin, "version"));
    }
    java.util.Map<String, String> byProperty =
        java.util.Map.of(
            "junit-bom", "junit.version",
            "jackson-bom", "jackson.version",
            "aws-lambda-java-serialization", "lambda-serialization.version",
            "aws-lambda-java-tests", "lambda-tests.version",
            "logback-classic", "logback.version",
            "assertj-core", "assertj.version");
    byProperty.forEach(
        (artifact, property) -> ours.put(artifact, text(parent, "properties/" + property)));

    List<Element> pinned = new ArrayList<>();
    pinned.addAll(elements(example, "build/pluginManagement/plugins/plugin"));
    pinned.addAll(elements(example, "build/plugins/plugin"));
    pinned.addAll(elements(example, "dependencyManagement/dependencies/dependency"));
    pinned.addAll(elements(example, "dependencies/dependency"));
    int checked = 0;
    for (Element e : pinned) {
      String artifact = text(e, "artifactId");
      String version = text(e, "version");
      if (version.isEmpty() || version.startsWith("${")) {
        continue;
      }
      assertThat(ours).as("a version for " + artifact + " in this build").containsKey(artifact);
      assertThat(version).as(artifact).isEqualTo(ours.get(artifact));
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(12);
    assertThat(text(example, "properties/cdc-kinesis.version")).isEqualTo(text(parent, "version"));
  }

  private static Element pom(Path file) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document d = f.newDocumentBuilder().parse(file.toFile());
    return d.getDocumentElement();
  }

  /** The text of the first element at a slash-separated path of child names, or "". */
  private static String text(Element root, String path) {
    List<String> all = texts(root, path);
    return all.isEmpty() ? "" : all.get(0);
  }

  /** The texts of every element at a slash-separated path of child names. */
  private static List<String> texts(Element root, String path) {
    return elements(root, path).stream().map(e -> e.getTextContent().trim()).toList();
  }

  /** Every element at a slash-separated path of child names. */
  private static List<Element> elements(Element root, String path) {
    List<Element> current = List.of(root);
    for (String name : path.split("/")) {
      List<Element> next = new ArrayList<>();
      for (Element e : current) {
        NodeList children = e.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
          Node n = children.item(i);
          if (n instanceof Element c && c.getTagName().equals(name)) {
            next.add(c);
          }
        }
      }
      current = next;
    }
    return current;
  }
}
