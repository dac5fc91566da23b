/// Writes gRPC length-prefixed messages: a compressed flag byte, a 4-byte big-endian length, the bytes.
package enum MessageFramer {
    /// The size of the prefix before each message.
    package static let prefixLength = 5

    /// Appends one framed message to `buffer`.
    package static func append(_ message: [UInt8], to buffer: inout [UInt8]) {
        buffer.reserveCapacity(buffer.count + prefixLength + message.count)
        buffer.append(0)
        let length = UInt32(truncatingIfNeeded: message.count)
        buffer.append(UInt8(truncatingIfNeeded: length >> 24))
        buffer.append(UInt8(truncatingIfNeeded: length >> 16))
        buffer.append(UInt8(truncatingIfNeeded: length >> 8))
        buffer.append(UInt8(truncatingIfNeeded: length))
        buffer.append(contentsOf: message)
    }

    /// One framed message.
    package static func frame(_ message: [UInt8]) -> [UInt8] {
        var buffer: [UInt8] = []
        append(message, to: &buffer)
        return buffer
    }
}
