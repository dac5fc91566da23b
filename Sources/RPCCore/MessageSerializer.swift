/// Turns a message into the bytes of one gRPC message.
public protocol MessageSerializer<Message>: Sendable {
    associatedtype Message
    func serialize(_ message: Message) throws -> [UInt8]
}

/// Turns the bytes of one gRPC message into a message. Throws on malformed input
/// (the call then ends with INTERNAL).
public protocol MessageDeserializer<Message>: Sendable {
    associatedtype Message
    func deserialize(_ bytes: [UInt8]) throws -> Message
}

/// Passes bytes through unchanged: for raw byte-level calls.
public struct IdentitySerializer: MessageSerializer, MessageDeserializer {
    public init() {}
    public func serialize(_ message: [UInt8]) throws -> [UInt8] { message }
    public func deserialize(_ bytes: [UInt8]) throws -> [UInt8] { bytes }
}
