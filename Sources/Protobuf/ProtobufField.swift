/// The protobuf field types, as ``ProtobufFieldCodec`` types that ``ProtobufReader`` and
/// ``ProtobufWriter`` use to read and write fields of that type.
///
/// ```swift
/// writer.write(ProtobufField.SInt64.self, -3, field: 4)      // tag 0x20, zigzag varint 0x05
/// let tags = try reader.readRepeated(ProtobufField.String.self, wireType: wireType, into: &tags)
/// ```
///
/// | .proto   | codec                      | Swift value |
/// |----------|----------------------------|-------------|
/// | int32    | `ProtobufField.Int32`      | `Int32`     |
/// | int64    | `ProtobufField.Int64`      | `Int64`     |
/// | uint32   | `ProtobufField.UInt32`     | `UInt32`    |
/// | uint64   | `ProtobufField.UInt64`     | `UInt64`    |
/// | sint32   | `ProtobufField.SInt32`     | `Int32`     |
/// | sint64   | `ProtobufField.SInt64`     | `Int64`     |
/// | fixed32  | `ProtobufField.Fixed32`    | `UInt32`    |
/// | fixed64  | `ProtobufField.Fixed64`    | `UInt64`    |
/// | sfixed32 | `ProtobufField.SFixed32`   | `Int32`     |
/// | sfixed64 | `ProtobufField.SFixed64`   | `Int64`     |
/// | float    | `ProtobufField.Float`      | `Float`     |
/// | double   | `ProtobufField.Double`     | `Double`    |
/// | bool     | `ProtobufField.Bool`       | `Bool`      |
/// | string   | `ProtobufField.String`     | `String`    |
/// | bytes    | `ProtobufField.Bytes`      | `[UInt8]`   |
/// | enum E   | `ProtobufField.Enum<E>`    | `E`         |
/// | message M| `ProtobufField.Message<M>` | `M`         |
public enum ProtobufField {}
