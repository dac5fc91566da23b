/// Reads gRPC length-prefixed messages from bytes split anyhow across DATA frames.
///
/// ```swift
/// var deframer = MessageDeframer(maxMessageBytes: 4 << 20)
/// deframer.append(chunk)
/// while let message = try deframer.next() { handle(message) }
/// ```
package struct MessageDeframer: Sendable {
    /// Why a byte stream is not a valid sequence of messages.
    package enum Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        /// A message announced more bytes than the limit.
        case messageTooLarge(length: Int, limit: Int)
        /// The compressed flag was set, and no compression was negotiated.
        case compressedWithoutEncoding
        /// The compressed-flag byte was neither 0 nor 1.
        case invalidFlag(UInt8)

        /// The status this error ends a call with.
        package var code: Status.Code {
            switch self {
            case .messageTooLarge: .resourceExhausted
            case .compressedWithoutEncoding, .invalidFlag: .internal
            }
        }

        package var description: String {
            switch self {
            case .messageTooLarge(let length, let limit):
                "message of \(length) bytes is larger than the limit of \(limit) bytes"
            case .compressedWithoutEncoding:
                "message is marked compressed but no grpc-encoding was agreed"
            case .invalidFlag(let flag):
                "message prefix has an invalid compressed flag \(flag) (expected 0 or 1)"
            }
        }
    }

    /// The largest message accepted, in bytes.
    package let maxMessageBytes: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0

    package init(maxMessageBytes: Int = 4 * 1024 * 1024) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Adds received bytes.
    package mutating func append(_ bytes: some Collection<UInt8>) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// Adds received bytes from a raw buffer (as nghttp2 hands them over).
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compactIfUseful()
        buffer.append(contentsOf: bytes)
    }

    /// Whether bytes of an unfinished message are buffered: at the end of the stream this means
    /// the message was cut short.
    package var hasPartialMessage: Bool { readIndex < buffer.count }

    /// The number of buffered bytes not yet returned.
    package var bufferedByteCount: Int { buffer.count - readIndex }

    /// The next complete message, or `nil` when more bytes are needed.
    package mutating func next() throws(Error) -> [UInt8]? {
        let available = buffer.count - readIndex
        guard available >= MessageFramer.prefixLength else { return nil }
        let flag = buffer[readIndex]
        switch flag {
        case 0: break
        case 1: throw .compressedWithoutEncoding
        default: throw .invalidFlag(flag)
        }
        var length = 0
        for i in 1...4 { length = length << 8 | Int(buffer[readIndex + i]) }
        guard length <= maxMessageBytes else { throw .messageTooLarge(length: length, limit: maxMessageBytes) }
        guard available - MessageFramer.prefixLength >= length else { return nil }
        let start = readIndex + MessageFramer.prefixLength
        if readIndex == 0 && start + length == buffer.count && buffer.capacity - buffer.count <= max(4096, length / 8) {
            // The buffer holds just this message (usually: one message per DATA frame): hand its
            // storage over, prefix removed in place, instead of copying into a new array. Not
            // when the buffer grew with much room to spare (a large message gathered over many
            // frames): the message would keep that room for as long as it lives.
            var message: [UInt8] = []
            swap(&message, &buffer)
            message.removeFirst(MessageFramer.prefixLength)
            return message
        }
        let message = Array(buffer[start..<start + length])
        readIndex = start + length
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        }
        return message
    }

    private mutating func compactIfUseful() {
        if readIndex > 0 && readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
    }
}
