import Protobuf
import RPCCore
import Synchronization

/// The typed response of a server-streaming or bidirectional call: initial metadata, then the
/// decoded response messages; the trailers are available once the messages have ended.
///
/// ```swift
/// let stream = try await echo.expand(Echo_V1_EchoRequest(text: "a b c"))
/// for try await word in stream.messages { print(word.text) }
/// print(stream.trailers ?? [:])
/// ```
public struct ProtobufResponseStream<Message: ProtobufMessage>: Sendable {
    /// The response's initial metadata (headers).
    public let metadata: Metadata
    /// The response messages; iterate once. Iterating throws ``RPCCore/RPCError`` when the call
    /// ends with a non-OK status, or with INTERNAL for a message that does not decode.
    public let messages: RPCAsyncSequence<Message>
    private let trailerBox: TrailerBox

    /// The trailing metadata of a call that ended with OK; `nil` until `messages` has ended.
    public var trailers: Metadata? { trailerBox.value }

    /// Wraps the untyped response of a call to `descriptor`, throwing its error if it failed
    /// before any headers.
    public init(_ response: StreamingClientResponse, descriptor: MethodDescriptor) throws {
        let contents = try response.accepted.get()
        let box = TrailerBox()
        let parts = contents.bodyParts
        metadata = contents.metadata
        trailerBox = box
        messages = RPCAsyncSequence(makeNext: {
            var iterator = parts.makeAsyncIterator()
            return {
                while true {
                    let part: ResponsePart?
                    do {
                        part = try await iterator.next()
                    } catch {
                        throw RPCError(from: error)
                    }
                    switch part {
                    case nil:
                        return nil
                    case .trailers(let trailers)?:
                        box.set(trailers)
                    case .message(let bytes)?:
                        do {
                            return try Message(serializedBytes: bytes)
                        } catch {
                            throw RPCError(code: .internal, message: "could not decode a response of \(descriptor): \(error)", cause: error)
                        }
                    }
                }
            }
        })
    }

    /// Reads every message to the end.
    public func collect() async throws -> [Message] {
        var all: [Message] = []
        for try await message in messages { all.append(message) }
        return all
    }
}
