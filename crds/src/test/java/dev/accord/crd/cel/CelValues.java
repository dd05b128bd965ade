package dev.accord.crd.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A document converted to the values CEL sees as {@code self}, guided by the schema as the API
 * server binds them: objects become maps, arrays lists, integers {@code Long} (int64), numbers
 * {@code Double}, strings and booleans themselves. What the API server refuses before any rule runs
 * is refused here with the field's path: a field the schema does not have, a missing required
 * field, a value of the wrong type. A null in a field that is not nullable is dropped (the API
 * server prunes it).
 */
final class CelValues {

  private static final Set<String> UNBOUND_STRING_FORMATS =
      Set.of("byte", "date", "date-time", "duration");

  private CelValues() {}

  /** The root object: its schema's fields, plus apiVersion, kind and metadata's name fields. */
  static Map<String, Object> ofRoot(JsonNode document, JSONSchemaProps root) {
    Map<String, Object> values = new LinkedHashMap<>();
    copyText(document, "apiVersion", values);
    copyText(document, "kind", values);
    JsonNode metadata = document.path("metadata");
    Map<String, Object> names = new LinkedHashMap<>();
    copyText(metadata, "name", names);
    copyText(metadata, "generateName", names);
    values.put("metadata", names);
    values.putAll(object(document, root, "", Set.of("apiVersion", "kind", "metadata")));
    return values;
  }

  private static void copyText(JsonNode from, String field, Map<String, Object> into) {
    if (from.hasNonNull(field)) {
      into.put(field, from.get(field).asText());
    }
  }

  private static Object of(JsonNode value, JSONSchemaProps schema, String path) {
    if (value.isNull()) {
      return NullValue.NULL_VALUE;
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      if (value.isIntegralNumber() || value.isTextual()) {
        return untyped(value, path);
      }
      throw wrongType(path, "an integer or a string", value);
    }
    if (schema.getType() == null) {
      return untyped(value, path);
    }
    switch (schema.getType()) {
      case "object":
        return object(value, schema, path, Set.of());
      case "array":
        return array(value, schema, path);
      case "integer":
        if (value.isIntegralNumber() && value.canConvertToLong()) {
          return value.longValue();
        }
        throw wrongType(path, "an integer", value);
      case "number":
        if (value.isNumber()) {
          return value.doubleValue();
        }
        throw wrongType(path, "a number", value);
      case "boolean":
        if (value.isBoolean()) {
          return value.booleanValue();
        }
        throw wrongType(path, "a boolean", value);
      case "string":
        if (!value.isTextual()) {
          throw wrongType(path, "a string", value);
        }
        if (schema.getFormat() != null && UNBOUND_STRING_FORMATS.contains(schema.getFormat())) {
          throw new UnsupportedOperationException(
              path + ": strings of format " + schema.getFormat() + " are not bound to CEL here");
        }
        return value.textValue();
      default:
        throw new IllegalArgumentException(path + ": unknown schema type " + schema.getType());
    }
  }

  private static Map<String, Object> object(
      JsonNode value, JSONSchemaProps schema, String path, Set<String> alreadyBound) {
    if (!value.isObject()) {
      throw wrongType(path, "an object", value);
    }
    Map<String, JSONSchemaProps> properties =
        schema.getProperties() == null ? Map.of() : schema.getProperties();
    JSONSchemaProps mapValues =
        schema.getAdditionalProperties() == null
            ? null
            : schema.getAdditionalProperties().getSchema();
    boolean keepsUnknown = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
    Map<String, Object> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (alreadyBound.contains(field.getKey())) {
        continue;
      }
      String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      JSONSchemaProps fieldSchema = properties.get(field.getKey());
      if (fieldSchema == null && properties.isEmpty()) {
        fieldSchema = mapValues;
      }
      if (fieldSchema == null) {
        if (keepsUnknown) {
          // The API server keeps such fields but does not show them to CEL.
          continue;
        }
        throw new IllegalArgumentException(
            fieldPath + ": not a field of the schema (fields: " + properties.keySet() + ")");
      }
      if (field.getValue().isNull() && !Boolean.TRUE.equals(fieldSchema.getNullable())) {
        continue;
      }
      values.put(field.getKey(), of(field.getValue(), fieldSchema, fieldPath));
    }
    if (schema.getRequired() != null) {
      for (String required : schema.getRequired()) {
        if (!values.containsKey(required)) {
          throw new IllegalArgumentException(
              (path.isEmpty() ? required : path + "." + required) + ": required");
        }
      }
    }
    return values;
  }

  private static List<Object> array(JsonNode value, JSONSchemaProps schema, String path) {
    if (!value.isArray()) {
      throw wrongType(path, "an array", value);
    }
    JSONSchemaProps items = schema.getItems() == null ? null : schema.getItems().getSchema();
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      String itemPath = path + "[" + i + "]";
      values.add(
          items == null ? untyped(value.get(i), itemPath) : of(value.get(i), items, itemPath));
    }
    return values;
  }

  /** A value whose schema says nothing of its type: converted from what JSON says it is. */
  private static Object untyped(JsonNode value, String path) {
    if (value.isObject()) {
      Map<String, Object> values = new LinkedHashMap<>();
      value.fields().forEachRemaining(f -> values.put(f.getKey(), untyped(f.getValue(), path)));
      return values;
    }
    if (value.isArray()) {
      List<Object> values = new ArrayList<>();
      value.forEach(item -> values.add(untyped(item, path)));
      return values;
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return value.longValue();
    }
    if (value.isNumber()) {
      return value.doubleValue();
    }
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isNull()) {
      return NullValue.NULL_VALUE;
    }
    throw wrongType(path, "a JSON value", value);
  }

  private static IllegalArgumentException wrongType(String path, String expected, JsonNode value) {
    return new IllegalArgumentException(
        path + ": expected " + expected + ", found " + value.getNodeType() + " " + value);
  }
}
