import Protobuf
import RPCCore

/// Serializes protobuf messages for RPC calls.
///
/// ```swift
/// let response = try await client.unary(
///     request: ClientRequest(message: Echo_V1_EchoRequest(text: "hi")),
///     descriptor: Echo_V1_Echo.Method.Get.descriptor,
///     serializer: ProtobufSerializer<Echo_V1_EchoRequest>(),
///     deserializer: ProtobufDeserializer<Echo_V1_EchoResponse>()
/// )
/// ```
public struct ProtobufSerializer<Message: ProtobufMessage>: MessageSerializer {
    public init() {}

    /// The message's protobuf encoding; never throws.
    public func serialize(_ message: Message) throws -> [UInt8] {
        message.serializedBytes()
    }
}
