/// A field type that may be a map key: integers, bool and string. Maps are written sorted by key
/// (as protoc's deterministic serialization does), so the same map always encodes the same way.
public protocol ProtobufMapKeyCodec: ProtobufFieldCodec where Value: Hashable {
    /// Whether `lhs` is written before `rhs`: numeric order, `false` before `true`, strings by
    /// their UTF-8 bytes.
    static func sortsBefore(_ lhs: Value, _ rhs: Value) -> Bool
}

extension ProtobufMapKeyCodec where Value: Comparable {
    public static func sortsBefore(_ lhs: Value, _ rhs: Value) -> Bool { lhs < rhs }
}
