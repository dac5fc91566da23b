/// The wire type in the low three bits of a field's tag: how the field's value is laid out.
public enum ProtobufWireType: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// A base-128 varint: int32, int64, uint32, uint64, sint32, sint64, bool, enum.
    case varint = 0
    /// Eight little-endian bytes: fixed64, sfixed64, double.
    case fixed64 = 1
    /// A varint length then that many bytes: string, bytes, messages, packed repeated fields, map entries.
    case lengthDelimited = 2
    /// The start of a (deprecated, proto2) group; only skipped, as part of an unknown field.
    case startGroup = 3
    /// The end of a (deprecated, proto2) group.
    case endGroup = 4
    /// Four little-endian bytes: fixed32, sfixed32, float.
    case fixed32 = 5

    public var description: String {
        switch self {
        case .varint: "varint"
        case .fixed64: "fixed64"
        case .lengthDelimited: "length-delimited"
        case .startGroup: "start-group"
        case .endGroup: "end-group"
        case .fixed32: "fixed32"
        }
    }
}
