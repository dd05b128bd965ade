package dev.accord.crd.cel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.Map;

/**
 * The schema's defaults filled in, as the API server does before it validates: a field with a
 * {@code default} that is absent (or null and not nullable) in an object that is present gets the
 * default, and defaults inside it are filled in turn.
 */
final class SchemaDefaults {

  private SchemaDefaults() {}

  /** A copy of {@code document} with the defaults of {@code schema} applied. */
  static JsonNode applied(JsonNode document, JSONSchemaProps schema) {
    JsonNode copy = document.deepCopy();
    apply(copy, schema);
    return copy;
  }

  private static void apply(JsonNode value, JSONSchemaProps schema) {
    if (schema == null || value == null) {
      return;
    }
    if (value.isObject()) {
      ObjectNode object = (ObjectNode) value;
      if (schema.getProperties() != null) {
        for (Map.Entry<String, JSONSchemaProps> property : schema.getProperties().entrySet()) {
          JSONSchemaProps fieldSchema = property.getValue();
          JsonNode field = object.get(property.getKey());
          boolean unset =
              field == null || (field.isNull() && !Boolean.TRUE.equals(fieldSchema.getNullable()));
          if (unset && fieldSchema.getDefault() != null) {
            object.set(property.getKey(), fieldSchema.getDefault().deepCopy());
          }
          apply(object.get(property.getKey()), fieldSchema);
        }
      }
      if (schema.getAdditionalProperties() != null) {
        JSONSchemaProps values = schema.getAdditionalProperties().getSchema();
        object.forEach(entry -> apply(entry, values));
      }
    } else if (value.isArray() && schema.getItems() != null) {
      value.forEach(item -> apply(item, schema.getItems().getSchema()));
    }
  }
}
