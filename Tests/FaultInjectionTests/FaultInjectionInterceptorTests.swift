import FaultInjection
import HTTP2Transport
import InProcessTransport
import RPCCore
import ResilienceTestKit
import Synchronization
import Testing

/// Collects the interceptor's events.
final class FaultLog: Sendable {
    private let faults = Mutex<[InjectedFault]>([])
    func record(_ fault: InjectedFault) { faults.withLock { $0.append(fault) } }
    var all: [InjectedFault] { faults.withLock { $0 } }
}

/// Waits (up to a generous 10 s) until `condition` holds.
func eventually(_ condition: () -> Bool) async {
    for _ in 0..<2000 {
        if condition() { return }
        try? await Task.sleep(for: .milliseconds(5))
    }
    Issue.record("condition did not become true within 10 s")
}

func echoRouter() -> RPCRouter {
    var router = RPCRouter()
    let bytes = IdentitySerializer()
    for method in [getProduct, echoGet] {
        router.registerUnary(method, deserializer: bytes, serializer: bytes) { request, _ in ServerResponse(message: request.message) }
    }
    return router
}

/// Serves `interceptor` in process for the duration of `body`.
func withInProcessServer(
    _ interceptor: FaultInjectionInterceptor, _ body: (RPCClient<InProcessTransport.Client>) async throws -> Void
) async throws {
    let transport = InProcessTransport()
    let server = RPCServer(transport: transport.server, router: echoRouter(), interceptors: [interceptor])
    let client = RPCClient(transport: transport.client)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.serve() }
        do {
            try await body(client)
        } catch {
            server.beginGracefulShutdown()
            throw error
        }
        server.beginGracefulShutdown()
        try await group.waitForAll()
    }
}

@Suite("fault injection interceptor")
struct FaultInjectionInterceptorTests {
    @Test("latency is slept on the injected clock; counters show calls in flight and the maximum")
    func latencyOnTheClock() async throws {
        let clock = ManualClock()
        let log = FaultLog()
        let interceptor = try FaultInjectionInterceptor(
            configuration: .init(rules: [FaultRule(latency: .fixed(.milliseconds(100)))], seed: 3),
            clock: clock, onFault: log.record
        )
        try await withInProcessServer(interceptor) { client in
            let calls = (0..<3).map { index in
                Task { try await client.unary(request: ClientRequest(message: [UInt8(index)]), descriptor: getProduct).message }
            }
            await clock.waitForSleepers(count: 3)
            #expect(interceptor.counters.inFlight == 3)
            #expect(interceptor.counters.maxConcurrentCalls == 3)
            clock.advance(by: .milliseconds(99))
            #expect(clock.sleeperCount == 3, "no call may finish before its 100 ms")
            clock.advance(by: .milliseconds(1))
            for (index, call) in calls.enumerated() {
                let value = try await call.value
                #expect(value == [UInt8(index)])
            }
            await eventually { interceptor.counters.inFlight == 0 }
            let counters = interceptor.counters
            #expect(counters.calls == 3)
            #expect(counters[.latency] == 3)
            #expect(counters.totalInjected == 3)
            #expect(counters.maxConcurrentCalls == 3)
            #expect(log.all.map(\.kind) == [.latency, .latency, .latency])
            #expect(log.all.first?.detail == "100 ms")
        }
    }

    @Test("injected errors reach the client with status, message and pushback, and are counted and reported")
    func errors() async throws {
        let log = FaultLog()
        let interceptor = try FaultInjectionInterceptor(
            configuration: .init(rules: [FaultRule(scope: .method(getProduct), errorRate: 1, errorCode: .unavailable, pushbackMilliseconds: 40)], name: "flaky"),
            onFault: log.record
        )
        try await withInProcessServer(interceptor) { client in
            do {
                _ = try await client.unary(request: ClientRequest(message: [1]), descriptor: getProduct)
                Issue.record("expected UNAVAILABLE")
            } catch let error as RPCError {
                #expect(error.code == .unavailable)
                #expect(error.message == "flaky injected UNAVAILABLE into /catalog.v1.Catalog/GetProduct (error rate 100%)")
                #expect(error.metadata.firstString(forKey: "grpc-retry-pushback-ms") == "40")
            }
            #expect(try await client.unary(request: ClientRequest(message: [2]), descriptor: echoGet).message == [2])
        }
        let counters = interceptor.counters
        #expect(counters.calls == 2)
        #expect(counters[.error] == 1)
        #expect(counters.inFlight == 0)
        #expect("\(counters)" == "2 calls, 1 injected faults (1 errors, 0 latency, 0 hangs, 0 resets, 0 goaways, 0 drops, 0 outage), max 1 concurrent calls, 0 still in flight, 0 rejected for invalid x-fault-* metadata")
        #expect(log.all.map(\.description) == ["error /catalog.v1.Catalog/GetProduct: UNAVAILABLE"])
    }

    @Test("over the in-process transport, transport faults arrive as UNAVAILABLE with a message")
    func transportFaultInProcess() async throws {
        let interceptor = try FaultInjectionInterceptor(configuration: .init(allowsMetadataFaults: true, name: "flaky"))
        try await withInProcessServer(interceptor) { client in
            do {
                _ = try await client.unary(request: ClientRequest(message: [1], metadata: ["x-fault-goaway": "1"]), descriptor: getProduct)
                Issue.record("expected UNAVAILABLE")
            } catch let error as RPCError {
                #expect(error.code == .unavailable)
                #expect(error.message == "flaky sent GOAWAY (x-fault-goaway) for /catalog.v1.Catalog/GetProduct")
            }
        }
        #expect(interceptor.counters[.goAway] == 1)
    }

    @Test("metadata fail-first-n through a server, and delays slept on the clock")
    func metadataThroughServer() async throws {
        let clock = ManualClock()
        let interceptor = try FaultInjectionInterceptor(configuration: .init(allowsMetadataFaults: true), clock: clock)
        try await withInProcessServer(interceptor) { client in
            let metadata: Metadata = ["x-fault-fail-first-n": "2", "x-fault-key": "k"]
            var codes: [Status.Code] = []
            for _ in 0..<4 {
                do {
                    _ = try await client.unary(request: ClientRequest(message: [1], metadata: metadata), descriptor: getProduct)
                    codes.append(.ok)
                } catch let error as RPCError {
                    codes.append(error.code)
                }
            }
            #expect(codes == [.unavailable, .unavailable, .ok, .ok])
            let delayed = Task { try await client.unary(request: ClientRequest(message: [5], metadata: ["x-fault-delay-ms": "250"]), descriptor: echoGet).message }
            await clock.waitForSleepers(count: 1)
            clock.advance(by: .milliseconds(250))
            #expect(try await delayed.value == [5])
            let bad = Task { try await client.unary(request: ClientRequest(message: [5], metadata: ["x-fault-delay-ms": "soon"]), descriptor: echoGet) }
            do {
                _ = try await bad.value
                Issue.record("expected INVALID_ARGUMENT")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument)
                #expect(error.message.contains("x-fault-delay-ms 'soon'"))
            }
        }
        let counters = interceptor.counters
        #expect(counters.calls == 6)
        #expect(counters[.error] == 2)
        #expect(counters[.latency] == 1)
        #expect(counters.invalidMetadata == 1)
    }

    @Test("the same seed gives the same sequence of injected faults through the interceptor")
    func replayThroughInterceptor() async throws {
        func run() async throws -> [Status.Code] {
            let interceptor = try FaultInjectionInterceptor(configuration: .init(rules: [FaultRule(errorRate: 0.5)], seed: 99))
            var codes: [Status.Code] = []
            try await withInProcessServer(interceptor) { client in
                for index in 0..<40 {
                    do {
                        _ = try await client.unary(request: ClientRequest(message: [UInt8(index)]), descriptor: getProduct)
                        codes.append(.ok)
                    } catch let error as RPCError {
                        codes.append(error.code)
                    }
                }
            }
            return codes
        }
        let first = try await run()
        #expect(try await run() == first)
        #expect(first.contains(.ok) && first.contains(.unavailable))
    }
}

@Suite("fault injection over HTTP/2")
struct FaultInjectionOverHTTP2Tests {
    func withHTTP2Server(
        _ interceptor: FaultInjectionInterceptor, _ body: (RPCClient<HTTP2ClientTransport>) async throws -> Void
    ) async throws {
        let transport = try HTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 0))
        let server = RPCServer(transport: transport, router: echoRouter(), interceptors: [interceptor])
        let serving = Task { try await server.serve() }
        let client = RPCClient(transport: try HTTP2ClientTransport(target: try await transport.listeningAddress()))
        do {
            try await body(client)
        } catch {
            await client.close()
            server.beginGracefulShutdown()
            throw error
        }
        await client.close()
        server.beginGracefulShutdown()
        try await serving.value
    }

    func code(_ client: RPCClient<HTTP2ClientTransport>, _ metadata: Metadata, options: CallOptions = .defaults) async -> RPCError? {
        do {
            _ = try await client.unary(request: ClientRequest(message: [1], metadata: metadata), descriptor: getProduct, options: options)
            return nil
        } catch {
            return error as? RPCError
        }
    }

    @Test("metadata resets, GOAWAY and drops become real HTTP/2 events the client maps to statuses")
    func transportFaults() async throws {
        let interceptor = try FaultInjectionInterceptor(configuration: .init(allowsMetadataFaults: true))
        try await withHTTP2Server(interceptor) { client in
            #expect(await code(client, ["x-fault-reset": "true"])?.code == .internal)
            let refused = await code(client, ["x-fault-reset": "REFUSED_STREAM"])
            #expect(refused?.code == .unavailable)
            #expect(refused?.wasNotProcessed == true)
            let goAway = await code(client, ["x-fault-goaway": "true"])
            #expect(goAway?.code == .unavailable)
            #expect(goAway?.wasNotProcessed == true)
            #expect(await code(client, [:]) == nil, "a call after GOAWAY succeeds on a new connection")
            #expect(await code(client, ["x-fault-drop": "true"])?.code == .unavailable)
            #expect(await code(client, [:]) == nil, "a call after the drop succeeds on a new connection")
        }
        let counters = interceptor.counters
        #expect(counters[.reset] == 2)
        #expect(counters[.goAway] == 1)
        #expect(counters[.drop] == 1)
        #expect(counters.calls == 6)
    }

    @Test("a hang lasts until the deadline: the client sees DEADLINE_EXCEEDED and the handler is cancelled")
    func hangUntilDeadline() async throws {
        let interceptor = try FaultInjectionInterceptor(configuration: .init(rules: [FaultRule(scope: .method(getProduct), hangRate: 1)]))
        try await withHTTP2Server(interceptor) { client in
            let error = await code(client, [:], options: CallOptions(timeout: .milliseconds(300)))
            #expect(error?.code == .deadlineExceeded)
            await eventually { interceptor.counters.inFlight == 0 }
            #expect(interceptor.counters[.hang] == 1)
        }
    }
}
