/// A protobuf message: what generated message types conform to.
///
/// A conforming type decodes one field at a time in ``decodeField(number:wireType:reader:)`` and
/// writes all of its fields in ``encode(to:)``; serialization to and from bytes is provided.
///
/// ```swift
/// struct EchoRequest: ProtobufMessage {
///     static let protoMessageName = "echo.v1.EchoRequest"
///     var text = ""
///     var unknownFields = ProtobufUnknownFields()
///
///     mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
///         switch number {
///         case 1: text = try reader.read(ProtobufField.String.self, wireType: wireType)
///         default: try reader.readUnknownField(into: &unknownFields)
///         }
///     }
///
///     func encode(to writer: inout ProtobufWriter) {
///         if !text.isEmpty { writer.write(ProtobufField.String.self, text, field: 1) }
///         writer.writeUnknownFields(unknownFields)
///     }
/// }
///
/// let bytes = EchoRequest(text: "hi").serializedBytes()   // [0x0A, 0x02, 0x68, 0x69]
/// let back = try EchoRequest(serializedBytes: bytes)
/// ```
public protocol ProtobufMessage: Sendable, Hashable {
    /// The fully qualified message name, e.g. `echo.v1.EchoRequest`.
    static var protoMessageName: String { get }

    /// A message with every field at its default.
    init()

    /// Fields that arrived but that the type does not know; written back after the known fields.
    var unknownFields: ProtobufUnknownFields { get set }

    /// Decodes the value of one field whose tag the reader has just read. Unknown numbers go to
    /// ``ProtobufReader/readUnknownField(into:)``.
    mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws

    /// Writes every field that is set (proto3: not at its default) in field-number order, then
    /// the unknown fields.
    func encode(to writer: inout ProtobufWriter)
}

extension ProtobufMessage {
    /// Decodes a message from its serialized bytes. Throws ``ProtobufDecodingError`` on
    /// malformed input; never traps.
    public init(serializedBytes bytes: [UInt8]) throws {
        self.init()
        try merge(serializedBytes: bytes)
    }

    /// Merges the fields in `bytes` into this message, as protobuf merging does: singular fields
    /// are replaced, repeated fields appended, message fields merged.
    public mutating func merge(serializedBytes bytes: [UInt8]) throws {
        var reader = ProtobufReader(bytes: bytes, messageName: Self.protoMessageName)
        try merge(from: &reader)
    }

    /// Decodes fields from `reader` until it reaches the end of the current message.
    public mutating func merge(from reader: inout ProtobufReader) throws {
        while let (number, wireType) = try reader.nextField() {
            try decodeField(number: number, wireType: wireType, reader: &reader)
        }
    }

    /// The message's protobuf encoding, byte-identical to what protoc-generated code writes.
    public func serializedBytes() -> [UInt8] {
        var writer = ProtobufWriter()
        encode(to: &writer)
        return writer.bytes
    }
}
