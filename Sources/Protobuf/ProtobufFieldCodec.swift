/// How one protobuf field type is read and written: the wire type, the Swift value type, and
/// the value's encoding (without its tag). The types in ``ProtobufField`` conform; generated code
/// names them when it reads and writes fields.
public protocol ProtobufFieldCodec {
    /// The Swift type of a value, e.g. `Int32` for `sint32`.
    associatedtype Value: Sendable
    /// The wire type of one value.
    static var wireType: ProtobufWireType { get }
    /// The proto3 default, used for map entries that omit their key or value.
    static var defaultValue: Value { get }
    /// Reads one value (its tag already read).
    static func read(from reader: inout ProtobufReader) throws -> Value
    /// Writes one value (its tag already written).
    static func write(_ value: Value, to writer: inout ProtobufWriter)
}
