/// Why a byte string could not be decoded as a message: what went wrong, at which byte of the
/// input, in which field of which message.
///
/// ```swift
/// do {
///     _ = try Echo_V1_EchoRequest(serializedBytes: [0x0A, 0x05, 0x68])
/// } catch let error as ProtobufDecodingError {
///     print(error)  // "length 5 runs past the end of the input (1 byte left) at byte 1 of field 1 in echo.v1.EchoRequest"
/// }
/// ```
public struct ProtobufDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Hashable, CustomStringConvertible {
        /// The input ended inside a varint.
        case truncatedVarint
        /// A varint ran on for more than ten bytes.
        case varintTooLong
        /// The input ended inside a fixed-width value (`width` bytes were needed).
        case truncatedFixed(width: Int)
        /// A length prefix points past the end of the input (or the enclosing message).
        case lengthPastEnd(length: UInt64, remaining: Int)
        /// A tag's wire type is 6 or 7, which do not exist.
        case invalidWireType(UInt8)
        /// A tag names field 0 or a number above 536,870,911.
        case invalidFieldNumber(UInt64)
        /// A known field arrived with a wire type that cannot hold its type.
        case wireTypeMismatch(expected: ProtobufWireType, actual: ProtobufWireType)
        /// A string field holds bytes that are not valid UTF-8.
        case invalidUTF8
        /// Messages (or groups) are nested deeper than the limit.
        case nestingTooDeep(limit: Int)
        /// An end-group tag without a start-group, or a group that ends with another field number.
        case unmatchedEndGroup
        /// The input ended inside a group.
        case truncatedGroup
        /// A packed field's bytes are not a whole number of elements.
        case malformedPackedField

        public var description: String {
            switch self {
            case .truncatedVarint: "truncated varint"
            case .varintTooLong: "varint longer than 10 bytes"
            case .truncatedFixed(let width): "truncated \(width)-byte fixed-width value"
            case .lengthPastEnd(let length, let remaining):
                "length \(length) runs past the end of the input (\(remaining) byte\(remaining == 1 ? "" : "s") left)"
            case .invalidWireType(let value): "invalid wire type \(value)"
            case .invalidFieldNumber(let value): "invalid field number \(value)"
            case .wireTypeMismatch(let expected, let actual): "wire type \(actual) where \(expected) was expected"
            case .invalidUTF8: "invalid UTF-8 in a string"
            case .nestingTooDeep(let limit): "messages nested deeper than \(limit) levels"
            case .unmatchedEndGroup: "end-group tag without a matching start-group"
            case .truncatedGroup: "input ends inside a group"
            case .malformedPackedField: "packed field is not a whole number of elements"
            }
        }
    }

    /// What went wrong.
    public var reason: Reason
    /// The offset in the input (from 0) where the problem was found.
    public var offset: Int
    /// The number of the field being decoded, if any.
    public var fieldNumber: Int?
    /// The fully qualified name of the message being decoded, e.g. `echo.v1.EchoRequest`.
    public var messageName: String

    /// An error; ``ProtobufReader/error(_:at:)`` fills in the position, field and message.
    public init(reason: Reason, offset: Int, fieldNumber: Int?, messageName: String) {
        self.reason = reason
        self.offset = offset
        self.fieldNumber = fieldNumber
        self.messageName = messageName
    }

    /// E.g. "truncated varint at byte 7 of field 3 in echo.v1.EchoRequest".
    public var description: String {
        var text = "\(reason) at byte \(offset)"
        if let fieldNumber { text += " of field \(fieldNumber)" }
        text += " in \(messageName.isEmpty ? "message" : messageName)"
        return text
    }
}
