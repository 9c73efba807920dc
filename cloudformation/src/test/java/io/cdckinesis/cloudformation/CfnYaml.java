package io.cdckinesis.cloudformation;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.Set;

/**
 * Reads a CloudFormation YAML template into a JSON tree, turning the short-form tags ({@code !Ref
 * X}, {@code !GetAtt A.B}, {@code !Sub ...}) into their long form ({@code {"Ref": "X"}}, {@code
 * {"Fn::GetAtt": ["A", "B"]}}, {@code {"Fn::Sub": ...}}), so that checks see one shape only.
 * Duplicate keys and unknown tags are errors, as they are for CloudFormation.
 */
final class CfnYaml {

  /** Tags written {@code !Name} that become {@code Fn::Name}. */
  private static final Set<String> FUNCTIONS =
      Set.of(
          "Sub",
          "If",
          "Equals",
          "Join",
          "Select",
          "Split",
          "FindInMap",
          "Not",
          "And",
          "Or",
          "ImportValue",
          "Base64",
          "Cidr",
          "GetAZs",
          "Transform",
          "Length",
          "ToJsonString");

  private static final YAMLFactory FACTORY = new YAMLFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private CfnYaml() {}

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException naming the source and line when the YAML is malformed, has a
   *     duplicate key or an unknown tag
   */
  static JsonNode parse(String yaml, String source) {
    try (YAMLParser p = FACTORY.createParser(yaml)) {
      if (p.nextToken() == null) {
        throw new IllegalArgumentException(source + " is empty");
      }
      return read(p, source);
    } catch (IOException e) {
      throw new IllegalArgumentException(source + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  private static JsonNode read(YAMLParser p, String source) throws IOException {
    String tag = p.getTypeId();
    int line = p.currentLocation().getLineNr();
    JsonToken token = p.currentToken();
    JsonNode value;
    switch (token) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        while (p.nextToken() != JsonToken.END_OBJECT) {
          String name = p.currentName();
          int keyLine = p.currentLocation().getLineNr();
          p.nextToken();
          if (object.has(name)) {
            throw new IllegalArgumentException(
                source + " line " + keyLine + ": duplicate key '" + name + "'");
          }
          object.set(name, read(p, source));
        }
        value = object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(read(p, source));
        }
        value = array;
      }
      case VALUE_STRING -> value = NODES.textNode(p.getText());
      case VALUE_NUMBER_INT -> {
        long v = p.getLongValue();
        value = v == (int) v ? NODES.numberNode((int) v) : NODES.numberNode(v);
      }
      case VALUE_NUMBER_FLOAT -> value = NODES.numberNode(p.getDecimalValue());
      case VALUE_TRUE -> value = NODES.booleanNode(true);
      case VALUE_FALSE -> value = NODES.booleanNode(false);
      case VALUE_NULL -> value = NODES.nullNode();
      default ->
          throw new IllegalArgumentException(
              source + " line " + line + ": unexpected YAML token " + token);
    }
    return tag == null || tag.isEmpty() ? value : longForm(tag, value, source, line);
  }

  private static JsonNode longForm(String tag, JsonNode value, String source, int line) {
    ObjectNode fn = NODES.objectNode();
    switch (tag) {
      case "Ref", "Condition" -> fn.set(tag, value);
      case "GetAtt" -> {
        if (value.isTextual()) {
          // !GetAtt Resource.Attribute.With.Dots: the resource name ends at the first dot
          String text = value.asText();
          int dot = text.indexOf('.');
          if (dot <= 0 || dot == text.length() - 1) {
            throw new IllegalArgumentException(
                source
                    + " line "
                    + line
                    + ": !GetAtt needs Resource.Attribute, got '"
                    + text
                    + "'");
          }
          fn.set(
              "Fn::GetAtt",
              NODES.arrayNode().add(text.substring(0, dot)).add(text.substring(dot + 1)));
        } else {
          fn.set("Fn::GetAtt", value);
        }
      }
      default -> {
        if (!FUNCTIONS.contains(tag)) {
          throw new IllegalArgumentException(source + " line " + line + ": unknown tag !" + tag);
        }
        fn.set("Fn::" + tag, value);
      }
    }
    return fn;
  }
}
