import HTTP2Transport
import RPCCore
import Synchronization
import Testing

/// A handler that waits until the test opens the gate.
private final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

private enum FaultMethods {
    static let fault = MethodDescriptor(service: "test.Faults", method: "Fault")
    static let faultAfterFirstMessage = MethodDescriptor(service: "test.Faults", method: "FaultAfterFirstMessage")
    static let gated = MethodDescriptor(service: "test.Faults", method: "Gated")
    static let gatedFault = MethodDescriptor(service: "test.Faults", method: "GatedFault")
}

/// The test router plus: `Fault` throws the fault named by its request, `FaultAfterFirstMessage`
/// streams one message first, `Gated` answers once the gate opens.
private func faultRouter(_ observations: Observations, gate: Gate, faultGate: Gate = Gate()) -> RPCRouter {
    var router = makeRouter(observations)
    let bytes = IdentitySerializer()
    @Sendable func fault(_ request: [UInt8]) -> TransportFault {
        switch request.first ?? 0 {
        case 1: .resetStream(.refusedStream)
        case 2: .resetStream(.cancel)
        case 3: .resetStream(.enhanceYourCalm)
        case 4: .goAway
        case 5: .dropConnection
        default: .resetStream()
        }
    }
    router.registerUnary(FaultMethods.fault, deserializer: bytes, serializer: bytes) { request, _ -> ServerResponse<[UInt8]> in
        throw fault(request.message).rpcError(message: "test fault")
    }
    router.registerServerStreaming(FaultMethods.faultAfterFirstMessage, deserializer: bytes, serializer: bytes) { request, writer, _ -> Metadata in
        try await writer.write([42])
        throw fault(request.message)
    }
    router.registerUnary(FaultMethods.gated, deserializer: bytes, serializer: bytes) { request, _ in
        observations.record("gated started")
        await gate.wait()
        return ServerResponse(message: request.message)
    }
    router.registerUnary(FaultMethods.gatedFault, deserializer: bytes, serializer: bytes) { request, _ -> ServerResponse<[UInt8]> in
        observations.record("gated fault started")
        await faultGate.wait()
        throw fault(request.message).rpcError(message: "test fault")
    }
    return router
}

@Suite("transport faults over HTTP/2")
struct TransportFaultTests {
    @Test("a stream reset maps to the status the client derives from its code, and the connection stays usable")
    func resetCodes() async throws {
        let observations = Observations()
        try await withServerAndClient(router: faultRouter(observations, gate: Gate())) { client, _ in
            let internalError = await unaryError(client, FaultMethods.fault, [0])
            #expect(internalError?.code == .internal)
            #expect(internalError?.message.contains("INTERNAL_ERROR") == true, "\(String(describing: internalError))")
            #expect(internalError?.wasNotProcessed == false)

            let refused = await unaryError(client, FaultMethods.fault, [1])
            #expect(refused?.code == .unavailable)
            #expect(refused?.wasNotProcessed == true)

            #expect(await unaryError(client, FaultMethods.fault, [2])?.code == .cancelled)
            #expect(await unaryError(client, FaultMethods.fault, [3])?.code == .resourceExhausted)

            // A reset ends one stream only: the next call uses the same connection.
            let reply = try await client.unary(request: ClientRequest(message: [7]), descriptor: TestMethods.echo)
            #expect(reply.message == [7])
            let reply2 = try await client.unary(request: ClientRequest(message: [8]), descriptor: TestMethods.echo)
            #expect(reply2.message == [8])
            #expect(observations.echoPeers.count == 1)
        }
    }

    @Test("a reset requested after the response headers ends the stream mid-response")
    func resetMidStream() async throws {
        try await withServerAndClient(router: faultRouter(Observations(), gate: Gate())) { client, _ in
            let response = await client.streaming(request: StreamingClientRequest(message: [0]), descriptor: FaultMethods.faultAfterFirstMessage)
            var received: [[UInt8]] = []
            do {
                for try await part in try response.accepted.get().bodyParts {
                    if case .message(let bytes) = part { received.append(bytes) }
                }
                Issue.record("expected the stream to be reset")
            } catch let error as RPCError {
                #expect(error.code == .internal)
                #expect(error.message.contains("INTERNAL_ERROR"), "\(error)")
            }
            #expect(received == [[42]])
        }
    }

    @Test("GOAWAY: the call is not processed (UNAVAILABLE), an earlier call finishes, new calls use a new connection")
    func goAway() async throws {
        let observations = Observations()
        let gate = Gate()
        try await withServerAndClient(router: faultRouter(observations, gate: gate)) { client, _ in
            let first = try await client.unary(request: ClientRequest(message: [1]), descriptor: TestMethods.echo)
            #expect(first.message == [1])
            let earlier = Task { try await client.unary(request: ClientRequest(message: [9]), descriptor: FaultMethods.gated).message }
            #expect(await observations.next() == "gated started")

            let error = await unaryError(client, FaultMethods.fault, [4])
            #expect(error?.code == .unavailable)
            #expect(error?.wasNotProcessed == true, "\(String(describing: error))")

            gate.open()
            #expect(try await earlier.value == [9])

            let after = try await client.unary(request: ClientRequest(message: [2]), descriptor: TestMethods.echo)
            #expect(after.message == [2])
            #expect(observations.echoPeers.count == 2, "the call after GOAWAY should use a new connection: \(observations.echoPeers)")
        }
    }

    @Test("GOAWAY: a call the server received after the faulted one (a higher stream id) still finishes")
    func goAwayLetsLaterReceivedCallsFinish() async throws {
        let observations = Observations()
        let gate = Gate()
        let faultGate = Gate()
        try await withServerAndClient(router: faultRouter(observations, gate: gate, faultGate: faultGate)) { client, _ in
            // The faulted call opens first (lower stream id) and waits; a second call opens after
            // it (higher stream id) and waits too; then the fault goes out.
            let faulted = Task { await unaryError(client, FaultMethods.gatedFault, [4]) }
            #expect(await observations.next() == "gated fault started")
            let later = Task { try await client.unary(request: ClientRequest(message: [7]), descriptor: FaultMethods.gated).message }
            #expect(await observations.next() == "gated started")
            faultGate.open()

            let error = await faulted.value
            #expect(error?.code == .unavailable)
            #expect(error?.wasNotProcessed == true, "\(String(describing: error))")
            // The server had received the later call: it finishes after the GOAWAY instead of
            // being refused as not processed.
            gate.open()
            let laterAnswer = try await later.value
            #expect(laterAnswer == [7])
        }
    }

    @Test("dropping the connection fails every call in flight on it with UNAVAILABLE; a new call reconnects")
    func dropConnection() async throws {
        let observations = Observations()
        let gate = Gate()
        try await withServerAndClient(router: faultRouter(observations, gate: gate)) { client, _ in
            let first = try await client.unary(request: ClientRequest(message: [1]), descriptor: TestMethods.echo)
            #expect(first.message == [1])
            let inFlight = Task { () -> RPCError? in
                do {
                    _ = try await client.unary(request: ClientRequest(message: [9]), descriptor: FaultMethods.gated)
                    return nil
                } catch {
                    return error as? RPCError
                }
            }
            #expect(await observations.next() == "gated started")

            let error = await unaryError(client, FaultMethods.fault, [5])
            #expect(error?.code == .unavailable)
            let other = await inFlight.value
            #expect(other?.code == .unavailable, "the other call on the dropped connection: \(String(describing: other))")
            gate.open()

            let after = try await client.unary(request: ClientRequest(message: [2]), descriptor: TestMethods.echo)
            #expect(after.message == [2])
            #expect(observations.echoPeers.count == 2, "the call after the drop should use a new connection: \(observations.echoPeers)")
        }
    }
}
