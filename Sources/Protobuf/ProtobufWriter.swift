/// Writes the protobuf wire format, for ``ProtobufMessage/encode(to:)``.
///
/// The field methods always write; generated code skips proto3 fields at their default before
/// calling them, and calls them in field-number order, so the output matches protoc's byte for byte.
///
/// ```swift
/// var writer = ProtobufWriter()
/// writer.write(ProtobufField.String.self, "hi", field: 1)
/// writer.bytes   // [0x0A, 0x02, 0x68, 0x69]
/// ```
public struct ProtobufWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer.
    public init() {}

    /// Writes a base-128 varint (1 to 10 bytes).
    public mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Writes four little-endian bytes.
    public mutating func writeFixed32(_ value: UInt32) {
        for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(index)))) }
    }

    /// Writes eight little-endian bytes.
    public mutating func writeFixed64(_ value: UInt64) {
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index)))) }
    }

    /// Writes a field's tag: `(number << 3) | wireType`.
    public mutating func writeTag(field number: Int, wireType: ProtobufWireType) {
        writeVarint(UInt64(number) << 3 | UInt64(wireType.rawValue))
    }

    /// Writes a length prefix and the bytes.
    public mutating func writeLengthDelimited(_ payload: some Collection<UInt8>) {
        writeVarint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    /// Writes raw bytes as they are.
    public mutating func writeRaw(_ raw: some Sequence<UInt8>) {
        bytes.append(contentsOf: raw)
    }
}
