import Synchronization

/// Collects the messages a request producer writes.
final class MessageCollector: Sendable {
    private let storage = Mutex<[[UInt8]]>([])

    func append(_ message: [UInt8]) { storage.withLock { $0.append(message) } }

    var messages: [[UInt8]] { storage.withLock { $0 } }
}
