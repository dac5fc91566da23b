import CLinuxShims
import Glibc
import RPCCore
import Synchronization

/// The listening socket and the registry of accepted connections behind an
/// ``HTTP2ServerTransport``: binding, accepting, graceful shutdown.
final class ServerCore: EventLoopHandler, @unchecked Sendable {
    typealias Handler = ServerConnection.Handler

    private enum Phase { case idle, binding, listening, shuttingDown, stopped }

    private struct State {
        var phase = Phase.idle
        var boundAddress: HTTP2Target?
        var failure: RPCError?
        var addressWaiters: [CheckedContinuation<HTTP2Target, any Error>] = []
        var listenContinuation: CheckedContinuation<Void, any Error>?
        var handler: Handler?
        var connections: [ObjectIdentifier: ServerConnection] = [:]
        var listenerClosed = false
    }

    let target: HTTP2Target
    let address: SocketAddress
    let configuration: HTTP2ServerTransport.Configuration
    let listenerLoop = EventLoopGroup.next()
    private let state = Mutex(State())
    /// Loop-confined to `listenerLoop`.
    private var listenFD: Int32 = -1

    init(target: HTTP2Target, address: SocketAddress, configuration: HTTP2ServerTransport.Configuration) {
        self.target = target
        self.address = address
        self.configuration = configuration
    }

    func listen(_ handler: @escaping Handler) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            enum Next { case bind, returnNow, alreadyListening }
            let next = state.withLock { state -> Next in
                switch state.phase {
                case .idle:
                    state.phase = .binding
                    state.handler = handler
                    state.listenContinuation = continuation
                    return .bind
                case .stopped where state.failure == nil && state.boundAddress == nil:
                    return .returnNow
                default:
                    return .alreadyListening
                }
            }
            switch next {
            case .bind: listenerLoop.execute { self.bind() }
            case .returnNow: continuation.resume()
            case .alreadyListening:
                continuation.resume(throwing: RPCError(code: .failedPrecondition, message: "the server transport for \(target) is already listening or has shut down; create a new transport"))
            }
        }
    }

    func listeningAddress() async throws -> HTTP2Target {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTP2Target, any Error>) in
            let result = state.withLock { state -> Result<HTTP2Target, RPCError>? in
                if let bound = state.boundAddress { return .success(bound) }
                if let failure = state.failure { return .failure(failure) }
                if state.phase == .stopped || state.phase == .shuttingDown {
                    return .failure(RPCError(code: .unavailable, message: "the server transport for \(target) shut down before it was listening"))
                }
                state.addressWaiters.append(continuation)
                return nil
            }
            if let result { continuation.resume(with: result.mapError { $0 as any Error }) }
        }
    }

    private func bind() {
        let fd = socket(address.family, Socket.streamType, 0)
        guard fd >= 0 else {
            bindFailed("could not create a socket to listen on \(target): \(Socket.errorText(errno))")
            return
        }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if address.withSockaddr({ Glibc.bind(fd, $0, $1) }) != 0 {
            let code = errno
            _ = Glibc.close(fd)
            var hint = ""
            if code == EADDRINUSE {
                if case .unixDomainSocket = target {
                    hint = "; is another server running on it? If not, remove the stale socket file"
                } else {
                    hint = "; is another server running on it?"
                }
            }
            bindFailed("could not bind \(target): \(Socket.errorText(code))\(hint)")
            return
        }
        if Glibc.listen(fd, Int32(configuration.listenBacklog)) != 0 {
            let code = errno
            _ = Glibc.close(fd)
            bindFailed("could not listen on \(target): \(Socket.errorText(code))")
            return
        }
        listenFD = fd
        let port = Socket.localAddress(fd)?.port ?? 0
        let bound: HTTP2Target = switch target {
        case .ipv4(let host, _): .ipv4(host: host, port: port)
        case .ipv6(let host, _): .ipv6(host: host, port: port)
        case .unixDomainSocket: target
        }
        let (waiters, shutDown) = state.withLock { state in
            state.boundAddress = bound
            let shutDown = state.phase == .shuttingDown
            if !shutDown { state.phase = .listening }
            defer { state.addressWaiters = [] }
            return (state.addressWaiters, shutDown)
        }
        for waiter in waiters { waiter.resume(returning: bound) }
        if shutDown {
            closeListener()
        } else {
            listenerLoop.register(fd, events: EPOLLIN.rawValue, handler: self)
        }
    }

    private func bindFailed(_ message: String) {
        let error = RPCError(code: .unavailable, message: message)
        let (waiters, continuation) = state.withLock { state in
            state.phase = .stopped
            state.failure = error
            defer {
                state.addressWaiters = []
                state.listenContinuation = nil
            }
            return (state.addressWaiters, state.listenContinuation)
        }
        for waiter in waiters { waiter.resume(throwing: error) }
        continuation?.resume(throwing: error)
    }

    /// Accepts every pending connection and hands each to an event loop.
    func handleEvents(_ events: UInt32) {
        guard listenFD >= 0 else { return }
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                let code = errno
                if code == EINTR || code == ECONNABORTED { continue }
                if code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM {
                    pauseAccepting()
                }
                return
            }
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            Socket.setNoDelay(client, family: address.family)
            let peer = Socket.peerAddress(client)?.description ?? "unknown peer"
            let loop = EventLoopGroup.next()
            let accepted = state.withLock { state -> ServerConnection? in
                guard state.phase == .listening, let handler = state.handler else { return nil }
                let connection = ServerConnection(fd: client, loop: loop, core: self, handler: handler, peer: peer)
                state.connections[ObjectIdentifier(connection)] = connection
                return connection
            }
            guard let accepted else {
                _ = Glibc.close(client)
                continue
            }
            loop.execute { accepted.start() }
        }
    }

    /// Out of file descriptors or memory: the pending connection stays in the backlog and epoll
    /// would report it again at once, so stop watching for a moment instead of spinning.
    private func pauseAccepting() {
        let fd = listenFD
        listenerLoop.unregister(fd)
        listenerLoop.scheduleTimer(at: .now + .milliseconds(100)) { [self] in
            guard listenFD == fd, fd >= 0 else { return }
            listenerLoop.register(fd, events: EPOLLIN.rawValue, handler: self)
        }
    }

    func connectionClosed(_ connection: ServerConnection) {
        state.withLock { state in
            _ = state.connections.removeValue(forKey: ObjectIdentifier(connection))
        }
        finishIfDrained()
    }

    func beginGracefulShutdown() {
        let connections = state.withLock { state -> [ServerConnection]? in
            switch state.phase {
            case .idle:
                state.phase = .stopped
                return nil
            case .binding:
                state.phase = .shuttingDown
                return nil
            case .listening:
                state.phase = .shuttingDown
                return Array(state.connections.values)
            case .shuttingDown, .stopped:
                return nil
            }
        }
        guard let connections else { return }
        listenerLoop.execute { self.closeListener() }
        for connection in connections {
            connection.loop.execute { connection.beginGracefulShutdown() }
        }
    }

    private func closeListener() {
        if listenFD >= 0 {
            listenerLoop.unregister(listenFD)
            _ = Glibc.close(listenFD)
            listenFD = -1
            if case .unixDomainSocket(let path) = target { _ = unlink(path) }
        }
        state.withLock { $0.listenerClosed = true }
        finishIfDrained()
    }

    private func finishIfDrained() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            guard state.phase == .shuttingDown, state.listenerClosed, state.connections.isEmpty else { return nil }
            state.phase = .stopped
            defer { state.listenContinuation = nil }
            return state.listenContinuation
        }
        continuation?.resume()
    }
}
