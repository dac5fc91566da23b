import RPCCore
import Resilience
import Synchronization

/// A scripted `ClientTransport` that counts its calls: each call is answered by `handler`.
final class FakeTransport: ClientTransport {
    typealias Handler = @Sendable (StreamingClientRequest, ClientContext) async throws -> StreamingClientResponse

    private let handler: Mutex<Handler>
    private let calls = Atomic<Int>(0)
    private let requests = Mutex<[[[UInt8]]]>([])

    init(_ handler: @escaping Handler) {
        self.handler = Mutex(handler)
    }

    /// Answers every call with the same response.
    convenience init(always response: @escaping @Sendable () -> StreamingClientResponse) {
        self.init { _, _ in response() }
    }

    /// Replaces the handler for later calls.
    func respond(_ handler: @escaping Handler) {
        self.handler.withLock { $0 = handler }
    }

    var callCount: Int { calls.load(ordering: .sequentiallyConsistent) }

    /// The request messages of every call, in call order.
    var receivedRequests: [[[UInt8]]] { requests.withLock { $0 } }

    func call(request: StreamingClientRequest, context: ClientContext) async throws -> StreamingClientResponse {
        calls.add(1, ordering: .sequentiallyConsistent)
        let messages = try await collectMessages(request)
        requests.withLock { $0.append(messages) }
        let handler = self.handler.withLock { $0 }
        return try await handler(request, context)
    }

    func close() async {}
}

/// The messages a request's producer writes.
func collectMessages(_ request: StreamingClientRequest) async throws -> [[UInt8]] {
    let box = Mutex<[[UInt8]]>([])
    try await request.producer(RPCWriter { message in box.withLock { $0.append(message) } })
    return box.withLock { $0 }
}

enum Responses {
    /// A successful unary response.
    static func ok(_ message: [UInt8] = [0x2a], metadata: Metadata = [:]) -> StreamingClientResponse {
        StreamingClientResponse(metadata: metadata, message: message)
    }

    /// A call that fails before any headers.
    static func failure(_ code: Status.Code, _ message: String = "scripted failure") -> StreamingClientResponse {
        StreamingClientResponse(error: RPCError(code: code, message: message))
    }

    /// A call that sends headers and `messages`, then ends with a non-OK status.
    static func failureAfterHeaders(
        _ code: Status.Code, messages: [[UInt8]] = [[1]], metadata: Metadata = [:]
    ) -> StreamingClientResponse {
        let error = RPCError(code: code, message: "scripted failure after headers")
        return StreamingClientResponse(accepted: .success(.init(
            metadata: metadata,
            bodyParts: RPCAsyncSequence(makeNext: {
                var index = 0
                return {
                    guard index < messages.count else { throw error }
                    defer { index += 1 }
                    return .message(messages[index])
                }
            })
        )))
    }
}

/// A one-shot gate: `wait()` suspends until `open()`.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
    }

    /// Whether a task is waiting for the gate to open.
    var hasWaiters: Bool { state.withLock { !$0.waiters.isEmpty } }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A counter that can be awaited until it reaches a value.
final class Tally: Sendable {
    private let state = Mutex<(count: Int, waiters: [(Int, CheckedContinuation<Void, Never>)])>((0, []))

    func increment() {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.count += 1
            let count = state.count
            let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
            state.waiters.removeAll { $0.0 <= count }
            return ready
        }
        for waiter in ready { waiter.resume() }
    }

    var count: Int { state.withLock { $0.count } }

    func wait(until target: Int) async {
        await withCheckedContinuation { continuation in
            let proceed = state.withLock { state -> Bool in
                if state.count >= target { return true }
                state.waiters.append((target, continuation))
                return false
            }
            if proceed { continuation.resume() }
        }
    }
}

/// Collects values from any thread.
final class Recorder<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])
    func append(_ value: Value) { storage.withLock { $0.append(value) } }
    var values: [Value] { storage.withLock { $0 } }
}

struct TestError: Error, Equatable {
    var reason: String
}

let getProduct = MethodDescriptor(service: "catalog.v1.Catalog", method: "GetProduct")
let listProducts = MethodDescriptor(service: "catalog.v1.Catalog", method: "ListProducts")
let getStock = MethodDescriptor(service: "inventory.v1.Inventory", method: "GetStock")

/// A configuration for tests, built without `try` noise.
func breakerConfiguration(
    windowSize: Int = 10, minimumCalls: Int = 10, failureRateThreshold: Double = 0.5,
    openDuration: Duration = .seconds(5), permittedCallsInHalfOpen: Int = 3
) -> CircuitBreaker.Configuration {
    try! CircuitBreaker.Configuration(
        windowSize: windowSize, minimumCalls: minimumCalls, failureRateThreshold: failureRateThreshold,
        openDuration: openDuration, permittedCallsInHalfOpen: permittedCallsInHalfOpen
    )
}
