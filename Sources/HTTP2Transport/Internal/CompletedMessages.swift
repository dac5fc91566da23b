import RPCCore

/// The messages that one DATA frame's bytes completed, and their framed size as the receive
/// window counts it.
struct CompletedMessages {
    var list: [[UInt8]] = []
    var byteCount = 0
}

extension MessageDeframer {
    /// Every message the bytes appended so far complete, in order.
    mutating func completeMessages() throws(MessageDeframer.Error) -> CompletedMessages {
        var completed = CompletedMessages()
        while let message = try next() {
            completed.byteCount += message.count + MessageFramer.prefixLength
            completed.list.append(message)
        }
        return completed
    }
}
