/// Reads the protobuf wire format from a byte string, one field at a time, for
/// ``ProtobufMessage/decodeField(number:wireType:reader:)``.
///
/// Every read checks its bounds and throws ``ProtobufDecodingError`` (naming the byte offset,
/// the field and the message) instead of trapping. Nested messages are limited to
/// ``recursionLimit`` levels, so hostile input cannot overflow the stack.
public struct ProtobufReader: Sendable {
    /// How deeply messages and groups may nest, as in protoc's default.
    public static let defaultRecursionLimit = 100

    let bytes: [UInt8]
    /// The offset of the next byte to read.
    public internal(set) var position: Int
    /// The end of the current message (the whole input at the top level).
    var end: Int
    /// The current nesting depth (0 at the top level).
    var depth = 0
    /// The nesting limit.
    public let recursionLimit: Int
    /// The name of the message being decoded, for errors.
    public internal(set) var messageName: String
    /// The number of the field whose tag was read last (nil before the first).
    public internal(set) var fieldNumber: Int?
    /// The wire type of that field.
    var fieldWireType: ProtobufWireType = .varint
    /// Where that field's tag starts, so unknown fields can be kept whole.
    var fieldStart = 0

    /// A reader over `bytes`, decoding the message named `messageName`.
    public init(bytes: [UInt8], messageName: String = "", recursionLimit: Int = ProtobufReader.defaultRecursionLimit) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
        self.messageName = messageName
        self.recursionLimit = recursionLimit
    }

    /// Whether the current message has no more bytes.
    public var isAtEnd: Bool { position >= end }

    /// An error at the current position in the current field and message.
    public func error(_ reason: ProtobufDecodingError.Reason, at offset: Int? = nil) -> ProtobufDecodingError {
        ProtobufDecodingError(reason: reason, offset: offset ?? position, fieldNumber: fieldNumber, messageName: messageName)
    }

    /// Reads the next field's tag; `nil` at the end of the current message.
    public mutating func nextField() throws -> (number: Int, wireType: ProtobufWireType)? {
        guard position < end else { return nil }
        let start = position
        fieldNumber = nil
        let tag = try readVarint()
        let (number, wireType) = try Self.splitTag(tag, at: start, reader: self)
        if wireType == .endGroup {
            throw error(.unmatchedEndGroup, at: start)
        }
        fieldStart = start
        fieldNumber = number
        fieldWireType = wireType
        return (number, wireType)
    }

    static func splitTag(_ tag: UInt64, at start: Int, reader: ProtobufReader) throws -> (Int, ProtobufWireType) {
        guard let wireType = ProtobufWireType(rawValue: UInt8(tag & 7)) else {
            throw reader.error(.invalidWireType(UInt8(tag & 7)), at: start)
        }
        let number = tag >> 3
        guard number >= 1, number <= 536_870_911 else {
            throw reader.error(.invalidFieldNumber(number), at: start)
        }
        return (Int(number), wireType)
    }

    // MARK: Raw values

    /// Reads a base-128 varint (at most ten bytes; bits beyond 64 are dropped, as protoc does).
    public mutating func readVarint() throws -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw error(.truncatedVarint, at: start) }
            let byte = bytes[position]
            position += 1
            if shift == 63 {
                // The tenth byte: only its lowest bit still fits.
                result |= UInt64(byte & 1) << 63
                if byte & 0x80 != 0 { throw error(.varintTooLong, at: start) }
                return result
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Reads four little-endian bytes.
    public mutating func readFixed32() throws -> UInt32 {
        guard end - position >= 4 else { throw error(.truncatedFixed(width: 4)) }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[position + index]) << (8 * UInt32(index)) }
        position += 4
        return value
    }

    /// Reads eight little-endian bytes.
    public mutating func readFixed64() throws -> UInt64 {
        guard end - position >= 8 else { throw error(.truncatedFixed(width: 8)) }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return value
    }

    /// Reads a varint length and checks that many bytes remain in the current message.
    public mutating func readLength() throws -> Int {
        let start = position
        let length = try readVarint()
        let remaining = end - position
        guard length <= UInt64(remaining) else {
            throw error(.lengthPastEnd(length: length, remaining: remaining), at: start)
        }
        return Int(length)
    }

    /// Reads a length-delimited value's bytes.
    public mutating func readLengthDelimited() throws -> ArraySlice<UInt8> {
        let length = try readLength()
        defer { position += length }
        return bytes[position..<(position + length)]
    }

    /// Throws unless `actual` is `expected`.
    public func expect(_ expected: ProtobufWireType, _ actual: ProtobufWireType) throws {
        guard expected == actual else { throw error(.wireTypeMismatch(expected: expected, actual: actual), at: fieldStart) }
    }
}
