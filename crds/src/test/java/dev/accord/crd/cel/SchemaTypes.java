package dev.accord.crd.cel;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CEL type of every node of a structural schema, declared the way the API server declares a
 * rule's {@code self}: an object with properties is a struct type (so a rule naming a field the
 * schema lacks fails to compile, as the API server refuses such a CRD), {@code
 * additionalProperties} a {@code map(string, T)}, an array a {@code list(T)}, integer {@code int},
 * number {@code double}, boolean {@code bool}, string {@code string} ({@code bytes}, {@code
 * timestamp}, {@code duration} for the formats byte, date and date-time, duration), and
 * int-or-string or an untyped node {@code dyn}. At the root, {@code apiVersion}, {@code kind} and
 * {@code metadata.name}/{@code metadata.generateName} are there too, as the API server adds them.
 */
final class SchemaTypes implements CelTypeProvider {

  private final Map<String, CelType> structs = new LinkedHashMap<>();
  private final Map<JSONSchemaProps, CelType> byNode = new IdentityHashMap<>();

  SchemaTypes(JSONSchemaProps root, String rootName) {
    declare(root, rootName, true);
  }

  /** The type of a node of the schema this was built from. */
  CelType typeOf(JSONSchemaProps node) {
    CelType type = byNode.get(node);
    if (type == null) {
      throw new IllegalArgumentException("not a node of this schema: " + node);
    }
    return type;
  }

  @Override
  public ImmutableCollection<CelType> types() {
    return ImmutableList.copyOf(structs.values());
  }

  @Override
  public Optional<CelType> findType(String typeName) {
    return Optional.ofNullable(structs.get(typeName));
  }

  private CelType declare(JSONSchemaProps node, String name, boolean root) {
    CelType type = typeFor(node, name, root);
    byNode.put(node, type);
    return type;
  }

  private CelType typeFor(JSONSchemaProps node, String name, boolean root) {
    if (Boolean.TRUE.equals(node.getXKubernetesIntOrString()) || node.getType() == null) {
      return SimpleType.DYN;
    }
    switch (node.getType()) {
      case "object":
        return objectType(node, name, root);
      case "array":
        return node.getItems() == null || node.getItems().getSchema() == null
            ? ListType.create(SimpleType.DYN)
            : ListType.create(declare(node.getItems().getSchema(), name + "[*]", false));
      case "integer":
        return SimpleType.INT;
      case "number":
        return SimpleType.DOUBLE;
      case "boolean":
        return SimpleType.BOOL;
      case "string":
        return stringType(node.getFormat());
      default:
        throw new IllegalArgumentException(name + ": unknown schema type " + node.getType());
    }
  }

  private CelType objectType(JSONSchemaProps node, String name, boolean root) {
    boolean hasProperties = node.getProperties() != null && !node.getProperties().isEmpty();
    if (!hasProperties && node.getAdditionalProperties() != null) {
      JSONSchemaProps values = node.getAdditionalProperties().getSchema();
      return MapType.create(
          SimpleType.STRING, values == null ? SimpleType.DYN : declare(values, name + ".*", false));
    }
    Map<String, CelType> fields = new LinkedHashMap<>();
    if (root) {
      fields.put("apiVersion", SimpleType.STRING);
      fields.put("kind", SimpleType.STRING);
      fields.put("metadata", struct(name + ".metadata", rootMetadataFields()));
    }
    if (hasProperties) {
      node.getProperties()
          .forEach(
              (field, schema) -> fields.put(field, declare(schema, name + "." + field, false)));
    }
    return struct(name, fields);
  }

  private static Map<String, CelType> rootMetadataFields() {
    Map<String, CelType> fields = new LinkedHashMap<>();
    fields.put("name", SimpleType.STRING);
    fields.put("generateName", SimpleType.STRING);
    return fields;
  }

  private CelType struct(String name, Map<String, CelType> fields) {
    StructType type =
        StructType.create(
            name, ImmutableSet.copyOf(fields.keySet()), f -> Optional.ofNullable(fields.get(f)));
    structs.put(name, type);
    return type;
  }

  private static CelType stringType(String format) {
    if (format == null) {
      return SimpleType.STRING;
    }
    switch (format) {
      case "byte":
        return SimpleType.BYTES;
      case "date":
      case "date-time":
        return SimpleType.TIMESTAMP;
      case "duration":
        return SimpleType.DURATION;
      default:
        return SimpleType.STRING;
    }
  }
}
