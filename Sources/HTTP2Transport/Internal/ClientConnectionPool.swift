import Synchronization
import RPCCore

/// The client's one connection: made lazily, replaced when it breaks or goes away, with a
/// doubling delay between failed attempts. While backing off after a failed attempt, new calls
/// fail at once with UNAVAILABLE (as gRPC's TRANSIENT_FAILURE does for calls that are not
/// wait-for-ready) instead of waiting for the next attempt; the first call after the delay
/// starts that attempt.
final class ClientConnectionPool: Sendable {
    private struct State {
        var connection: ClientConnection?
        var closed = false
        var consecutiveFailures = 0
        var nextAttempt: ContinuousClock.Instant?
        var lastFailure: String?
    }

    let target: HTTP2Target
    let address: SocketAddress
    let configuration: HTTP2ClientTransport.Configuration
    private let state = Mutex(State())

    init(target: HTTP2Target, address: SocketAddress, configuration: HTTP2ClientTransport.Configuration) {
        self.target = target
        self.address = address
        self.configuration = configuration
    }

    /// A usable connection, connecting a new one if needed.
    func connection() throws(RPCError) -> ClientConnection {
        let result = state.withLock { state -> Result<(ClientConnection, Bool), RPCError> in
            if state.closed {
                return .failure(RPCError(code: .unavailable, message: "the client transport to \(target) is closed; create a new transport"))
            }
            if let connection = state.connection, connection.usable.load(ordering: .acquiring) {
                return .success((connection, false))
            }
            let now = ContinuousClock.now
            if let nextAttempt = state.nextAttempt, nextAttempt > now, let lastFailure = state.lastFailure {
                let wait = now.duration(to: nextAttempt)
                let ms = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
                return .failure(RPCError(
                    code: .unavailable,
                    message: "\(lastFailure) (next connection attempt in \(ms) ms; calls fail fast until then)"
                ))
            }
            let connection = ClientConnection(loop: EventLoopGroup.next(), pool: self)
            state.connection = connection
            return .success((connection, true))
        }
        let (connection, isNew) = try result.get()
        if isNew {
            let notBefore = state.withLock { $0.nextAttempt }
            connection.loop.execute { connection.connect(notBefore: notBefore) }
        }
        return connection
    }

    func connectSucceeded() {
        state.withLock { state in
            state.consecutiveFailures = 0
            state.nextAttempt = nil
            state.lastFailure = nil
        }
    }

    func connectFailed(reason: String) {
        state.withLock { state in
            state.consecutiveFailures += 1
            state.lastFailure = reason
            var delay = configuration.reconnectBackoffInitial
            for _ in 1..<min(state.consecutiveFailures, 32) {
                delay *= 2
                if delay >= configuration.reconnectBackoffMax { break }
            }
            state.nextAttempt = .now + min(delay, configuration.reconnectBackoffMax)
        }
    }

    /// Refuses new calls and closes the connection, failing calls in flight.
    func close() async {
        let connection = state.withLock { state -> ClientConnection? in
            state.closed = true
            defer { state.connection = nil }
            return state.connection
        }
        guard let connection else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            connection.loop.execute { connection.shutdown(continuation) }
        }
    }
}
