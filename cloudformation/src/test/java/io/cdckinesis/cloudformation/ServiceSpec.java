package io.cdckinesis.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * The CloudFormation resource specification as the npm package {@code @aws-cdk/aws-service-spec}
 * ships it: {@code db.json.gz}, a database whose {@code schema.resource.entities} are the resource
 * types (properties, attributes) and whose {@code schema.typeDefinition.entities} are the property
 * types, referenced by {@code $id}.
 */
final class ServiceSpec {

  /** A property's type as the spec writes it. */
  sealed interface Type {}

  /** string, integer, number, boolean, date-time, json, tag, null ... */
  record Primitive(String kind) implements Type {}

  /** A property type (structure), by its {@code $id}. */
  record TypeRef(String id) implements Type {}

  record ListOf(Type element) implements Type {}

  record MapOf(Type element) implements Type {}

  record Union(List<Type> types) implements Type {}

  /**
   * A property: whether it is required, and its type followed by the types it had before (the spec
   * keeps them because CloudFormation still accepts them).
   */
  record Property(String name, boolean required, List<Type> types) {}

  record Structure(String id, String name, Map<String, Property> properties) {}

  record Resource(String type, Map<String, Property> properties, Set<String> attributes) {}

  private final Map<String, Resource> resources;
  private final Map<String, Structure> structures;

  private ServiceSpec(Map<String, Resource> resources, Map<String, Structure> structures) {
    this.resources = resources;
    this.structures = structures;
  }

  /** Loads {@code db.json.gz}. */
  static ServiceSpec load(Path dbJsonGz) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(dbJsonGz), 1 << 16)) {
      return fromDatabase(new ObjectMapper().readTree(in), dbJsonGz.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the resource specification " + dbJsonGz, e);
    }
  }

  static ServiceSpec fromDatabase(JsonNode db, String source) {
    JsonNode schema = db.path("schema");
    JsonNode resourceEntities = schema.path("resource").path("entities");
    JsonNode typeEntities = schema.path("typeDefinition").path("entities");
    if (!resourceEntities.isArray() || !typeEntities.isArray()) {
      throw new IllegalArgumentException(
          source + " is not a service-spec database (no schema.resource / schema.typeDefinition)");
    }
    Map<String, Structure> structures = new HashMap<>();
    for (JsonNode t : typeEntities) {
      String id = t.path("$id").asText();
      structures.put(id, new Structure(id, t.path("name").asText(), properties(t, source)));
    }
    Map<String, Resource> resources = new HashMap<>();
    for (JsonNode r : resourceEntities) {
      String type = r.path("cloudFormationType").asText();
      Set<String> attributes = new TreeSet<>();
      r.path("attributes").fieldNames().forEachRemaining(attributes::add);
      resources.put(
          type, new Resource(type, properties(r, source), Collections.unmodifiableSet(attributes)));
    }
    return new ServiceSpec(Map.copyOf(resources), Map.copyOf(structures));
  }

  Optional<Resource> resource(String type) {
    return Optional.ofNullable(resources.get(type));
  }

  Structure structure(String id) {
    Structure s = structures.get(id);
    if (s == null) {
      throw new IllegalStateException("the spec refers to an unknown type definition $id " + id);
    }
    return s;
  }

  int resourceTypeCount() {
    return resources.size();
  }

  private static Map<String, Property> properties(JsonNode entity, String source) {
    Map<String, Property> out = new LinkedHashMap<>();
    entity
        .path("properties")
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode p = e.getValue();
              List<Type> types = new ArrayList<>();
              types.add(type(p.path("type"), source));
              for (JsonNode previous : p.path("previousTypes")) {
                types.add(type(previous, source));
              }
              out.put(
                  e.getKey(),
                  new Property(
                      e.getKey(), p.path("required").asBoolean(false), List.copyOf(types)));
            });
    return out;
  }

  private static Type type(JsonNode t, String source) {
    String kind = t.path("type").asText();
    return switch (kind) {
      case "ref" -> new TypeRef(t.path("reference").path("$ref").asText());
      case "array" -> new ListOf(type(t.path("element"), source));
      case "map" -> new MapOf(type(t.path("element"), source));
      case "union" -> {
        List<Type> members = new ArrayList<>();
        for (JsonNode m : t.path("types")) {
          members.add(type(m, source));
        }
        yield new Union(List.copyOf(members));
      }
      case "" -> throw new IllegalArgumentException(source + ": a property has no type: " + t);
      default -> new Primitive(kind);
    };
  }
}
