package dev.accord.crd.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.utils.YamlDumpSettingsBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Build step, run right after Fabric8's crd-generator: puts a generated CRD's {@code
 * additionalPrinterColumns} in the order the {@link AdditionalPrinterColumn} annotations are
 * declared on the custom resource class.
 *
 * <p>The generator sorts printer columns by JSON path, and {@code kubectl get} shows them in the
 * CRD's order (fabric8io/kubernetes-client issue 7454 asks for a way to choose it). Everything else
 * in the file is kept: the CRD is read and written again with the serialization settings the
 * generator uses, behind the same comment header. Columns without a declared position keep their
 * relative order, after the declared ones.
 *
 * <p>Not part of the API; only the build calls it: {@code PrinterColumnOrder <crd.yml> <custom
 * resource class>}.
 */
public final class PrinterColumnOrder {

  private PrinterColumnOrder() {}

  public static void main(String[] args) throws IOException, ClassNotFoundException {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "usage: PrinterColumnOrder <crd.yml> <custom resource class>");
    }
    Path file = Path.of(args[0]);
    Class<?> customResource =
        Class.forName(args[1], false, PrinterColumnOrder.class.getClassLoader());
    String original = Files.readString(file, StandardCharsets.UTF_8);
    String reordered = reorder(original, declaredOrder(customResource));
    if (!reordered.equals(original)) {
      Files.writeString(file, reordered, StandardCharsets.UTF_8);
    }
  }

  /** Column names in the order the class declares them. */
  public static List<String> declaredOrder(Class<?> customResource) {
    return Stream.of(customResource.getAnnotationsByType(AdditionalPrinterColumn.class))
        .map(AdditionalPrinterColumn::name)
        .collect(Collectors.toList());
  }

  /**
   * The CRD YAML {@code generated} with every version's printer columns in {@code order} (by column
   * name).
   */
  public static String reorder(String generated, List<String> order) {
    KubernetesSerialization serialization =
        new KubernetesSerialization(
            new ObjectMapper(),
            false,
            new YamlDumpSettingsBuilder().setMinimizeQuotes(false).build());
    CustomResourceDefinition crd =
        serialization.unmarshal(generated, CustomResourceDefinition.class);
    Comparator<CustomResourceColumnDefinition> byDeclaration =
        Comparator.comparingInt(
            column -> {
              int position = order.indexOf(column.getName());
              return position < 0 ? Integer.MAX_VALUE : position;
            });
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
      if (columns != null && !columns.isEmpty()) {
        List<CustomResourceColumnDefinition> sorted = new ArrayList<>(columns);
        sorted.sort(byDeclaration); // stable: undeclared columns keep the generator's order
        version.setAdditionalPrinterColumns(sorted);
      }
    }
    // The generator writes a comment header, then the YAML without its "---\n" document start.
    String yaml = serialization.asYaml(crd);
    return header(generated) + (yaml.startsWith("---\n") ? yaml.substring(4) : yaml);
  }

  private static String header(String generated) {
    StringBuilder header = new StringBuilder();
    for (String line : generated.split("\n", -1)) {
      if (!line.startsWith("#")) {
        break;
      }
      header.append(line).append('\n');
    }
    return header.toString();
  }
}
