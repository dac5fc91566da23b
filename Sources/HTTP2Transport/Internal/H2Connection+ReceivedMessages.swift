import RPCCore
import Synchronization

extension H2Connection {
    /// Takes one DATA frame's bytes for a stream: deframes them, counts the messages they
    /// complete in the stream's `window`, returns to the peer what the window allows, then hands
    /// the messages to `deliver`, in order. On a deframing error nothing is counted or delivered.
    ///
    /// Counting comes before delivering because the reader reads (and releases) on its own
    /// thread: a message read before it was counted would stay counted for ever, holding the
    /// window shut once such phantom bytes pile up.
    func receiveMessages(
        _ data: UnsafeRawBufferPointer, streamID: Int32, deframer: inout MessageDeframer,
        window: borrowing Mutex<ReceiveWindow>, deliver: ([UInt8]) -> Void
    ) throws(MessageDeframer.Error) {
        deframer.append(data)
        // The first message is kept apart: a frame usually completes at most one, and an empty
        // array allocates nothing.
        let first = try deframer.next()
        var more: [[UInt8]] = []
        var messageBytes = 0
        if let first {
            messageBytes = first.count + MessageFramer.prefixLength
            while let message = try deframer.next() {
                messageBytes += message.count + MessageFramer.prefixLength
                more.append(message)
            }
        }
        consumeStream(streamID, window.withLock { $0.received(data.count, messageBytes: messageBytes) })
        if let first { deliver(first) }
        for message in more { deliver(message) }
    }
}
