package dev.accord.api.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The V1 wire contract with the Go implementation (github.com/bsm/accord, rpc/accord.proto), field
 * by field. Go workers send exactly these numbers and types: a change here breaks them, so this
 * test must only ever grow.
 */
class WireContractTest {
  private static final FileDescriptor FILE = AccordProto.getDescriptor();

  @Test
  void packageAndService() {
    assertThat(FILE.getPackage()).isEqualTo("blacksquaremedia.accord");
    ServiceDescriptor v1 = FILE.findServiceByName("V1");
    assertThat(method(v1, "Acquire")).isEqualTo("AcquireRequest -> AcquireResponse");
    assertThat(method(v1, "Renew")).isEqualTo("RenewRequest -> RenewResponse");
    assertThat(method(v1, "Done")).isEqualTo("DoneRequest -> DoneResponse");
    assertThat(method(v1, "List")).isEqualTo("ListRequest -> stream Handle");
  }

  private static String method(ServiceDescriptor service, String name) {
    MethodDescriptor method = service.findMethodByName(name);
    assertThat(method).as(name).isNotNull();
    assertThat(method.isClientStreaming()).as(name).isFalse();
    return method.getInputType().getName()
        + " -> "
        + (method.isServerStreaming() ? "stream " : "")
        + method.getOutputType().getName();
  }

  @Test
  void messages() {
    assertFields(
        "Handle",
        Map.of(
            1,
            "id bytes",
            2,
            "name string",
            3,
            "namespace string",
            4,
            "exp_tms int64",
            5,
            "done_tms int64",
            6,
            "num_acquired uint32",
            8,
            "metadata map<string,string>"));
    assertFields(
        "AcquireRequest",
        Map.of(
            1,
            "owner string",
            2,
            "name string",
            3,
            "namespace string",
            4,
            "ttl uint32",
            5,
            "metadata map<string,string>"));
    assertFields(
        "AcquireResponse",
        Map.of(
            1,
            "status enum blacksquaremedia.accord.Status",
            2,
            "handle message blacksquaremedia.accord.Handle"));
    assertFields(
        "RenewRequest",
        Map.of(
            1,
            "owner string",
            2,
            "handle_id bytes",
            3,
            "ttl uint32",
            4,
            "metadata map<string,string>"));
    assertFields("RenewResponse", Map.of());
    assertFields(
        "DoneRequest",
        Map.of(1, "owner string", 2, "handle_id bytes", 3, "metadata map<string,string>"));
    assertFields("DoneResponse", Map.of());
    assertFields(
        "ListRequest",
        Map.of(1, "filter message blacksquaremedia.accord.ListRequest.Filter", 2, "offset uint64"));
    assertFields(
        "ListRequest.Filter",
        Map.of(
            1,
            "prefix string",
            2,
            "status enum blacksquaremedia.accord.ListRequest.Filter.Status",
            3,
            "metadata map<string,string>",
            // Ours, beside Go's: a Go server ignores it.
            4,
            "namespace string"));
  }

  @Test
  void enums() {
    assertValues(FILE.findEnumTypeByName("Status"), Map.of("OK", 0, "DONE", 1, "HELD", 2));
    assertValues(
        message("ListRequest.Filter").findEnumTypeByName("Status"),
        // HELD and AVAILABLE are ours, beside Go's three.
        Map.of("ALL", 0, "DONE", 1, "PENDING", 2, "HELD", 3, "AVAILABLE", 4));
  }

  private static void assertValues(EnumDescriptor type, Map<String, Integer> expected) {
    Map<String, Integer> actual = new LinkedHashMap<>();
    type.getValues().forEach(v -> actual.put(v.getName(), v.getNumber()));
    assertThat(actual).as(type.getFullName()).containsExactlyInAnyOrderEntriesOf(expected);
  }

  private static Descriptor message(String path) {
    String[] parts = path.split("\\.");
    Descriptor type = FILE.findMessageTypeByName(parts[0]);
    for (int i = 1; i < parts.length; i++) {
      type = type.findNestedTypeByName(parts[i]);
    }
    return type;
  }

  private static void assertFields(String path, Map<Integer, String> expected) {
    Map<Integer, String> actual = new LinkedHashMap<>();
    for (FieldDescriptor field : message(path).getFields()) {
      actual.put(field.getNumber(), field.getName() + " " + typeOf(field));
    }
    assertThat(actual).as(path).containsExactlyInAnyOrderEntriesOf(expected);
  }

  private static String typeOf(FieldDescriptor field) {
    if (field.isMapField()) {
      Descriptor entry = field.getMessageType();
      return "map<"
          + typeOf(entry.findFieldByName("key"))
          + ","
          + typeOf(entry.findFieldByName("value"))
          + ">";
    }
    return switch (field.getType()) {
          case MESSAGE -> "message " + field.getMessageType().getFullName();
          case ENUM -> "enum " + field.getEnumType().getFullName();
          default -> field.getType().name().toLowerCase();
        }
        + (field.isRepeated() ? " repeated" : "");
  }
}
