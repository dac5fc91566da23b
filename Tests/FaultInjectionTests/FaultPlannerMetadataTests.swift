import FaultInjection
import RPCCore
import Testing

/// `x-fault-*` metadata that is not one clear request fails INVALID_ARGUMENT instead of silently
/// meaning something else (no fault, or a fault chosen by a precedence order).
@Suite("fault planner: x-fault-* metadata validation")
struct FaultPlannerMetadataTests {
    /// Plans `metadata` on a fresh planner that also has a rule failing every call, so that a
    /// call wrongly taken out of the rules without a fault shows as `.proceed`.
    static func decide(_ metadata: Metadata) throws -> FaultDecision {
        var p = try planner(rules: [FaultRule(errorRate: 1)], metadata: true)
        return plan(&p, metadata: metadata, draws: [0]).decision
    }

    static func expectInvalid(_ metadata: Metadata, naming parts: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let decision = try decide(metadata)
        #expect(decision.statusCode == .invalidArgument, "\(metadata): \(decision)", sourceLocation: sourceLocation)
        #expect(decision.invalidMetadata, sourceLocation: sourceLocation)
        #expect(decision.faults.isEmpty, sourceLocation: sourceLocation)
        for part in parts {
            #expect(decision.statusMessage.contains(part), "'\(part)' in \(decision.statusMessage)", sourceLocation: sourceLocation)
        }
    }

    @Test("an unknown x-fault-* key (a typo) fails naming it and listing the known keys")
    func unknownKey() throws {
        let known = FaultMetadataKeys.all.joined(separator: ", ")
        try Self.expectInvalid(["x-fault-delay": "100"], naming: ["unknown key x-fault-delay", "the known keys are \(known)"])
        try Self.expectInvalid(
            ["x-fault-status": "UNAVAILABLE", "x-fault-bogus": "1", "X-Fault-Typo": ""],
            naming: ["unknown keys x-fault-bogus, x-fault-typo", known]
        )
        #expect(FaultMetadataKeys.all.count == 10)
    }

    @Test("a key given twice fails naming it, instead of the first value winning")
    func repeatedKey() throws {
        var metadata: Metadata = [:]
        metadata.addString("NOT_FOUND", forKey: "x-fault-status")
        metadata.addString("ABORTED", forKey: "x-fault-status")
        try Self.expectInvalid(metadata, naming: ["x-fault-status is given 2 times; give it once"])
    }

    @Test("keys that do nothing alone fail saying what they need; with it they work")
    func keysThatNeedAnother() throws {
        try Self.expectInvalid(["x-fault-pushback-ms": "100"], naming: ["x-fault-pushback-ms does nothing alone", "add x-fault-status or x-fault-fail-first-n"])
        try Self.expectInvalid(["x-fault-message": "boom"], naming: ["x-fault-message does nothing alone", "add x-fault-status or x-fault-fail-first-n"])
        try Self.expectInvalid(["x-fault-key": "k"], naming: ["x-fault-key does nothing alone", "add x-fault-fail-first-n"])
        // x-fault-delay-ms does not make them useful.
        try Self.expectInvalid(["x-fault-delay-ms": "5", "x-fault-message": "boom"], naming: ["x-fault-message does nothing alone"])

        let withFailFirst = try Self.decide(["x-fault-fail-first-n": "1", "x-fault-message": "boom", "x-fault-pushback-ms": "30"])
        #expect(withFailFirst.statusCode == .unavailable)
        #expect(withFailFirst.statusMessage == "boom")
        #expect(withFailFirst.trailers.firstString(forKey: "grpc-retry-pushback-ms") == "30")
    }

    @Test("conflicting faults fail naming the keys; x-fault-delay-ms combines with any")
    func conflicts() throws {
        let cases: [(Metadata, [String])] = [
            (["x-fault-status": "INTERNAL", "x-fault-hang": "true"], ["x-fault-status, x-fault-hang ask for conflicting faults"]),
            (["x-fault-goaway": "1", "x-fault-drop": "yes"], ["x-fault-goaway, x-fault-drop ask for conflicting faults"]),
            (["x-fault-fail-first-n": "1", "x-fault-reset": "CANCEL"], ["x-fault-fail-first-n, x-fault-reset ask for conflicting faults"]),
            (["x-fault-hang": "", "x-fault-reset": "", "x-fault-status": "5"], ["x-fault-status, x-fault-hang, x-fault-reset ask"]),
        ]
        for (metadata, parts) in cases { try Self.expectInvalid(metadata, naming: parts + ["x-fault-delay-ms with any"]) }

        // A fault switched off does not conflict; status with fail-first-n is one fault (its status).
        #expect(try Self.decide(["x-fault-status": "NOT_FOUND", "x-fault-hang": "false", "x-fault-reset": "off"]).statusCode == .notFound)
        #expect(try Self.decide(["x-fault-status": "ABORTED", "x-fault-fail-first-n": "1"]).statusCode == .aborted)
        for (key, value) in [("x-fault-goaway", "1"), ("x-fault-drop", "1"), ("x-fault-reset", "1"), ("x-fault-hang", "1"), ("x-fault-status", "NOT_FOUND")] {
            let decision = try Self.decide(["x-fault-delay-ms": "7", key: .string(value)])
            #expect(decision.delay == .milliseconds(7), "\(key)")
            #expect(decision.faults.count == 2 && decision.faults.first == .latency, "\(key): \(decision.faults)")
        }
    }

    @Test("x-fault-reset: booleans as x-fault-hang, code names, numbers 2...13; anything else is INVALID_ARGUMENT")
    func resetValues() throws {
        for on in ["", "true", "1", "yes", "on", "TRUE", "On"] {
            #expect(try Self.decide(["x-fault-reset": .string(on)]).transportFault == .resetStream(.internalError), "'\(on)'")
        }
        for off in ["false", "0", "no", "off", "OFF"] {
            let decision = try Self.decide(["x-fault-reset": .string(off)])
            #expect(decision.action == .proceed, "'\(off)': \(decision)")
            #expect(decision.fromMetadata)
        }
        #expect(try Self.decide(["x-fault-reset": "refused_stream"]).transportFault == .resetStream(.refusedStream))
        #expect(try Self.decide(["x-fault-reset": "PROTOCOL_ERROR"]).transportFault == .resetStream(.init(rawValue: 1)))
        #expect(try Self.decide(["x-fault-reset": "2"]).transportFault == .resetStream(.internalError))
        #expect(try Self.decide(["x-fault-reset": "13"]).transportFault == .resetStream(.init(rawValue: 13)))
        for bad in ["99", "14", "-1", "1.5", "sometimes"] {
            try Self.expectInvalid(["x-fault-reset": .string(bad)], naming: ["x-fault-reset '\(bad)'", "a number in 2...13"])
        }
    }

    @Test("x-fault-fail-first-n without x-fault-key counts per method")
    func failFirstNPerMethod() throws {
        var p = try planner(metadata: true)
        let metadata: Metadata = ["x-fault-fail-first-n": "1"]
        #expect(plan(&p, method: echoGet, metadata: metadata).decision.statusCode == .unavailable)
        #expect(plan(&p, method: getProduct, metadata: metadata).decision.statusCode == .unavailable)
        #expect(plan(&p, method: echoGet, metadata: metadata).decision.action == .proceed)
        #expect(plan(&p, method: getProduct, metadata: metadata).decision.action == .proceed)
    }

    @Test("the interceptor counts calls rejected for invalid metadata and shows them in its counters")
    func countersShowInvalidMetadata() async throws {
        let interceptor = try FaultInjectionInterceptor(configuration: .init(allowsMetadataFaults: true, name: "flaky"))
        try await withInProcessServer(interceptor) { client in
            do {
                _ = try await client.unary(request: ClientRequest(message: [1], metadata: ["x-fault-bogus": "1"]), descriptor: echoGet)
                Issue.record("expected INVALID_ARGUMENT")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument)
                #expect(error.message.hasPrefix("invalid fault metadata for /echo.v1.Echo/Get: unknown key x-fault-bogus"), "\(error.message)")
            }
            #expect(try await client.unary(request: ClientRequest(message: [2]), descriptor: echoGet).message == [2])
        }
        let counters = interceptor.counters
        #expect(counters.invalidMetadata == 1)
        #expect(counters.inFlight == 0)
        #expect("\(counters)".hasSuffix("max 1 concurrent calls, 0 still in flight, 1 rejected for invalid x-fault-* metadata"), "\(counters)")
    }
}
