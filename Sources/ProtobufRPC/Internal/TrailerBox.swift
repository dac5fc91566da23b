import RPCCore
import Synchronization

/// Holds the trailers of a response stream once they arrive.
final class TrailerBox: Sendable {
    private let storage = Mutex<Metadata?>(nil)

    var value: Metadata? { storage.withLock { $0 } }

    func set(_ trailers: Metadata) { storage.withLock { $0 = trailers } }
}
