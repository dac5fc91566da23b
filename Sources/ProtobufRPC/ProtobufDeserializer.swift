import Protobuf
import RPCCore

/// Decodes protobuf messages in RPC calls. Malformed bytes throw ``Protobuf/ProtobufDecodingError``,
/// which ends the call with INTERNAL and the error's description as its message.
public struct ProtobufDeserializer<Message: ProtobufMessage>: MessageDeserializer {
    public init() {}

    /// Decodes `bytes` as a `Message`.
    public func deserialize(_ bytes: [UInt8]) throws -> Message {
        try Message(serializedBytes: bytes)
    }
}
