/// The fields of a message that its type does not know, kept as their raw bytes (tags included)
/// in the order they arrived, and written back unchanged after the known fields.
public struct ProtobufUnknownFields: Sendable, Hashable {
    /// The raw bytes of the unknown fields.
    public private(set) var bytes: [UInt8]

    /// No unknown fields.
    public init() { bytes = [] }

    /// Unknown fields from already encoded bytes (whole fields, tags included).
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Whether there are none.
    public var isEmpty: Bool { bytes.isEmpty }

    /// Appends the raw bytes of one or more whole fields.
    public mutating func append(_ fieldBytes: some Collection<UInt8>) {
        bytes.append(contentsOf: fieldBytes)
    }
}
