import FaultInjection
import RPCCore
import Testing

let getProduct = MethodDescriptor(service: "catalog.v1.Catalog", method: "GetProduct")
let echoGet = MethodDescriptor(service: "echo.v1.Echo", method: "Get")

/// Plans one call with scripted draws; fails the test if the planner asks for more than given.
func plan(
    _ planner: inout FaultPlanner, at elapsed: Duration = .zero, method: MethodDescriptor = getProduct,
    metadata: Metadata = [:], draws: [Double] = []
) -> (decision: FaultDecision, drawsUsed: Int) {
    var index = 0
    let decision = planner.plan(elapsed: elapsed, method: method, metadata: metadata) {
        defer { index += 1 }
        guard index < draws.count else {
            Issue.record("the planner took more than the \(draws.count) scripted draws")
            return 0.999
        }
        return draws[index]
    }
    return (decision, index)
}

func planner(rules: [FaultRule] = [], phases: [FaultPhase] = [], metadata: Bool = false) throws -> FaultPlanner {
    FaultPlanner(configuration: try .init(rules: rules, phases: phases, allowsMetadataFaults: metadata, seed: 1, name: "test-server"))
}

extension FaultDecision {
    var statusCode: Status.Code? {
        if case .fail(let status, _) = action { return status.code }
        return nil
    }
    var statusMessage: String {
        if case .fail(let status, _) = action { return status.message }
        return ""
    }
    var trailers: Metadata {
        if case .fail(_, let trailers) = action { return trailers }
        return [:]
    }
    var transportFault: TransportFault? {
        if case .transport(let fault, _) = action { return fault }
        return nil
    }
}

@Suite("fault planner")
struct FaultPlannerTests {
    @Test("an error rate injects exactly when the draw is below the rate, with status, message and pushback")
    func errorRate() throws {
        var p = try planner(rules: [FaultRule(errorRate: 0.3, errorCode: .resourceExhausted, pushbackMilliseconds: 250)])
        let hit = plan(&p, draws: [0.2999])
        #expect(hit.drawsUsed == 1)
        #expect(hit.decision.statusCode == .resourceExhausted)
        #expect(hit.decision.statusMessage == "test-server injected RESOURCE_EXHAUSTED into /catalog.v1.Catalog/GetProduct (error rate 30%)")
        #expect(hit.decision.trailers.firstString(forKey: "grpc-retry-pushback-ms") == "250")
        #expect(hit.decision.faults == [.error])
        let miss = plan(&p, draws: [0.3])
        #expect(miss.decision == .proceed)

        var custom = try planner(rules: [FaultRule(errorRate: 1, errorMessage: "nope")])
        #expect(plan(&custom, draws: [0.999]).decision.statusMessage == "nope")
    }

    @Test("latency: fixed takes no draw, uniform scales its draw, the tail replaces the base")
    func latency() throws {
        var fixed = try planner(rules: [FaultRule(latency: .fixed(.milliseconds(5)))])
        let f = plan(&fixed)
        #expect(f.decision.delay == .milliseconds(5))
        #expect(f.decision.action == .proceed)
        #expect(f.decision.faults == [.latency])
        #expect(f.drawsUsed == 0)

        var uniform = try planner(rules: [FaultRule(latency: .uniform(.milliseconds(2) ... .milliseconds(20)))])
        #expect(plan(&uniform, draws: [0]).decision.delay == .milliseconds(2))
        #expect(plan(&uniform, draws: [0.5]).decision.delay == .milliseconds(11))

        let tailed = LatencyDistribution.uniform(.milliseconds(2) ... .milliseconds(20)).withTail(rate: 0.01, latency: .milliseconds(800))
        var tail = try planner(rules: [FaultRule(latency: tailed)])
        let inTail = plan(&tail, draws: [0.5, 0.0099])
        #expect(inTail.decision.delay == .milliseconds(800))
        #expect(inTail.drawsUsed == 2)
        #expect(plan(&tail, draws: [0.5, 0.01]).decision.delay == .milliseconds(11))
    }

    @Test("precedence drop, goaway, reset, hang, error; every configured rate takes its draw")
    func precedence() throws {
        let all = FaultRule(errorRate: 1, hangRate: 1, resetRate: 1, resetCode: .refusedStream, goAwayRate: 1, dropRate: 1)
        var p = try planner(rules: [all])
        let drop = plan(&p, draws: [0, 0, 0, 0, 0])
        #expect(drop.decision.transportFault == .dropConnection)
        #expect(drop.drawsUsed == 5)
        #expect(drop.decision.faults == [.drop])
        let rates = FaultRule(errorRate: 0.5, hangRate: 0.5, resetRate: 0.5, resetCode: .refusedStream, goAwayRate: 0.5, dropRate: 0.5)
        var q = try planner(rules: [rates])
        #expect(plan(&q, draws: [0.1, 0.1, 0.1, 0.1, 0.1]).decision.transportFault == .dropConnection)
        #expect(plan(&q, draws: [0.9, 0.1, 0.1, 0.1, 0.1]).decision.transportFault == .goAway)
        let reset = plan(&q, draws: [0.9, 0.5, 0.1, 0.1, 0.1]).decision
        #expect(reset.transportFault == .resetStream(.refusedStream))
        #expect(reset.faults == [.reset])
        let hang = plan(&q, draws: [0.9, 0.9, 0.9, 0.1, 0.1]).decision
        #expect(hang.action == .hang)
        #expect(hang.faults == [.hang])
        #expect(plan(&q, draws: [0.9, 0.9, 0.9, 0.9, 0.1]).decision.statusCode == .unavailable)
        #expect(plan(&q, draws: [0.9, 0.9, 0.9, 0.9, 0.9]).decision == .proceed)
    }

    @Test("a transport fault carries the status sent by transports that cannot act on it")
    func transportFallbackStatus() throws {
        var p = try planner(rules: [FaultRule(resetRate: 1)])
        guard case .transport(let fault, let status) = plan(&p, draws: [0]).decision.action else {
            Issue.record("expected a transport fault")
            return
        }
        #expect(fault == .resetStream(.internalError))
        #expect(status.code == .unavailable)
        #expect(status.message == "test-server injected a stream reset (INTERNAL_ERROR) into /catalog.v1.Catalog/GetProduct")
    }

    @Test("outage windows: down exactly at the start, up exactly after the length, again every period")
    func outageBoundaries() throws {
        let window = OutageWindow(start: .seconds(5), length: .seconds(3), period: .seconds(10))
        var p = try planner(rules: [FaultRule(outage: window, pushbackMilliseconds: 1000)])
        let expectations: [(Duration, Bool)] = [
            (.milliseconds(4999), false), (.seconds(5), true), (.milliseconds(7999), true), (.seconds(8), false),
            (.milliseconds(14_999), false), (.seconds(15), true), (.seconds(18), false), (.seconds(1005), true), (.seconds(1008), false),
        ]
        for (time, down) in expectations {
            let decision = plan(&p, at: time).decision
            #expect((decision.faults == [.outage]) == down, "at \(time)")
            #expect((decision.statusCode == .unavailable) == down, "at \(time)")
        }
        let start = plan(&p, at: .seconds(15)).decision
        #expect(start.statusMessage == "test-server is in a simulated outage; back in 3 s")
        #expect(start.trailers.firstString(forKey: "grpc-retry-pushback-ms") == "1000")
        #expect(plan(&p, at: .milliseconds(17_500)).decision.statusMessage.hasSuffix("back in 500 ms"))

        var once = try planner(rules: [FaultRule(outage: OutageWindow(start: .seconds(2), length: .seconds(1)))])
        #expect(plan(&once, at: .seconds(2)).decision.faults == [.outage])
        #expect(plan(&once, at: .seconds(12)).decision == .proceed)
        var forever = try planner(rules: [FaultRule(outage: .always)])
        #expect(plan(&forever, at: .seconds(99_999)).decision.statusMessage.hasSuffix("no end is scheduled"))
    }

    @Test("phases switch exactly at their boundaries and the last lasts for ever")
    func phases() throws {
        let phases = [
            FaultPhase(name: "healthy", duration: .seconds(6)),
            FaultPhase(name: "flaky", duration: .seconds(10), rules: [FaultRule(errorRate: 1)]),
            FaultPhase(name: "outage", duration: .seconds(8), rules: [FaultRule(outage: .always)]),
            FaultPhase(name: "healthy", duration: .seconds(10)),
        ]
        var p = try planner(phases: phases)
        let early = plan(&p, at: .milliseconds(5999)).decision
        #expect(early.action == .proceed)
        #expect(early.phase == "healthy")
        let flaky = plan(&p, at: .seconds(6), draws: [0.5]).decision
        #expect(flaky.faults == [.error])
        #expect(flaky.phase == "flaky")
        #expect(plan(&p, at: .milliseconds(15_999), draws: [0.5]).decision.faults == [.error])
        let outage = plan(&p, at: .seconds(16)).decision
        #expect(outage.faults == [.outage])
        #expect(outage.statusMessage.hasSuffix("back in 8 s"), "the outage phase ends after 8 s: \(outage.statusMessage)")
        #expect(plan(&p, at: .seconds(21)).decision.statusMessage.hasSuffix("back in 3 s"))
        #expect(plan(&p, at: .seconds(24)).decision == FaultDecision(phase: "healthy"))
        #expect(plan(&p, at: .seconds(100_000)).decision == FaultDecision(phase: "healthy"))

        let position = try #require(FaultPhase.Position.of(phases, at: .seconds(7)))
        #expect(position.index == 1)
        #expect(position.remaining == .seconds(9))
        #expect("\(position)" == "phase 2/4 flaky for 10 s: 100% UNAVAILABLE")
        #expect(FaultPhase.Position.of(phases, at: .seconds(50))?.remaining == nil)
        #expect("\(FaultPhase.Position.of(phases, at: .seconds(50))!)" == "phase 4/4 healthy from now on: no faults")
    }

    @Test("rules apply only to their method or service, and others take no draws")
    func scopes() throws {
        var p = try planner(rules: [
            FaultRule(scope: .method(getProduct), errorRate: 0.5),
            FaultRule(scope: .service("echo.v1.Echo"), resetRate: 0.5),
        ])
        #expect(plan(&p, method: getProduct, draws: [0.1]).decision.statusCode == .unavailable)
        let echo = plan(&p, method: echoGet, draws: [0.1])
        #expect(echo.decision.transportFault == .resetStream())
        let other = plan(&p, method: MethodDescriptor(service: "catalog.v1.Catalog", method: "ListProducts"))
        #expect(other.decision == .proceed)
        #expect(other.drawsUsed == 0)
        #expect(FaultRule.Scope(parsing: "/catalog.v1.Catalog/GetProduct") == .method(getProduct))
        #expect(FaultRule.Scope(parsing: "/echo.v1.Echo") == .service("echo.v1.Echo"))
        #expect(FaultRule.Scope(parsing: "/a/b/c") == nil)
        #expect(FaultRule.Scope(parsing: "//b") == nil)
    }

    @Test("metadata faults are ignored unless allowed")
    func metadataOff() throws {
        var off = try planner(metadata: false)
        #expect(plan(&off, metadata: ["x-fault-status": "UNAVAILABLE"]).decision == .proceed)
        var on = try planner(metadata: true)
        let decision = plan(&on, metadata: ["x-fault-status": "unavailable", "x-fault-message": "boom", "x-fault-pushback-ms": "20"]).decision
        #expect(decision.statusCode == .unavailable)
        #expect(decision.statusMessage == "boom")
        #expect(decision.trailers.firstString(forKey: "grpc-retry-pushback-ms") == "20")
        #expect(decision.fromMetadata)
        #expect(decision.faults == [.error])
        #expect(plan(&on, metadata: ["x-fault-status": "5"]).decision.statusCode == .notFound)
    }

    @Test("metadata faults replace the configured rules for that call, and take no draws")
    func metadataReplacesRules() throws {
        var p = try planner(rules: [FaultRule(errorRate: 1)], metadata: true)
        let decision = plan(&p, metadata: ["x-fault-delay-ms": "15"])
        #expect(decision.decision.delay == .milliseconds(15))
        #expect(decision.decision.action == .proceed)
        #expect(decision.decision.faults == [.latency])
        #expect(decision.drawsUsed == 0)
    }

    @Test("each transport action and hang from metadata")
    func metadataActions() throws {
        var p = try planner(metadata: true)
        #expect(plan(&p, metadata: ["x-fault-reset": ""]).decision.transportFault == .resetStream(.internalError))
        #expect(plan(&p, metadata: ["x-fault-reset": "REFUSED_STREAM"]).decision.transportFault == .resetStream(.refusedStream))
        #expect(plan(&p, metadata: ["x-fault-reset": "8"]).decision.transportFault == .resetStream(.cancel))
        #expect(plan(&p, metadata: ["x-fault-goaway": "true"]).decision.transportFault == .goAway)
        #expect(plan(&p, metadata: ["x-fault-drop": "1"]).decision.transportFault == .dropConnection)
        #expect(plan(&p, metadata: ["x-fault-hang": "yes"]).decision.action == .hang)
        #expect(plan(&p, metadata: ["x-fault-hang": "false"]).decision.action == .proceed)
        // Several faults at once are a conflict, not resolved by a precedence order.
        let both = plan(&p, metadata: ["x-fault-hang": "true", "x-fault-goaway": "true", "x-fault-status": "INTERNAL"]).decision
        #expect(both.statusCode == .invalidArgument)
        #expect(both.faults.isEmpty)
    }

    @Test("x-fault-fail-first-n fails the first N calls per key, then lets calls through")
    func failFirstN() throws {
        var p = try planner(metadata: true)
        let a: Metadata = ["x-fault-fail-first-n": "2", "x-fault-key": "a", "x-fault-status": "ABORTED"]
        let b: Metadata = ["x-fault-fail-first-n": "1", "x-fault-key": "b"]
        #expect(plan(&p, metadata: a).decision.statusCode == .aborted)
        #expect(plan(&p, metadata: b).decision.statusCode == .unavailable)
        let second = plan(&p, metadata: a).decision
        #expect(second.statusCode == .aborted)
        #expect(second.statusMessage.contains("call 2 of the first 2 with x-fault-key 'a'"), "\(second.statusMessage)")
        #expect(plan(&p, metadata: a).decision.action == .proceed)
        #expect(plan(&p, metadata: a).decision.action == .proceed)
        #expect(plan(&p, metadata: b).decision.action == .proceed)
        // Without a key, the method's path is the key.
        let unkeyed: Metadata = ["x-fault-fail-first-n": "1"]
        #expect(plan(&p, method: echoGet, metadata: unkeyed).decision.statusCode == .unavailable)
        #expect(plan(&p, method: echoGet, metadata: unkeyed).decision.action == .proceed)
        #expect(plan(&p, method: getProduct, metadata: unkeyed).decision.statusCode == .unavailable)
    }

    @Test("bad fault metadata fails INVALID_ARGUMENT naming every bad key and value")
    func badMetadata() throws {
        var p = try planner(metadata: true)
        let decision = plan(&p, metadata: [
            "x-fault-status": "NOPE", "x-fault-delay-ms": "-1", "x-fault-hang": "maybe", "x-fault-reset": "SOMETIMES",
            "x-fault-fail-first-n": "x", "x-fault-pushback-ms": "1.5",
        ]).decision
        #expect(decision.statusCode == .invalidArgument)
        #expect(decision.invalidMetadata)
        #expect(decision.faults.isEmpty)
        for part in ["x-fault-status 'NOPE'", "x-fault-delay-ms '-1'", "x-fault-hang 'maybe'", "x-fault-reset 'SOMETIMES'",
                     "x-fault-fail-first-n 'x'", "x-fault-pushback-ms '1.5'"] {
            #expect(decision.statusMessage.contains(part), "\(part) in \(decision.statusMessage)")
        }
        #expect(plan(&p, metadata: ["x-fault-status": "OK"]).decision.statusCode == .invalidArgument)
    }

    @Test("the same seed replays the same decisions; another seed does not")
    func replay() throws {
        let rules = [FaultRule(
            errorRate: 0.2, latency: LatencyDistribution.uniform(.zero ... .milliseconds(50)).withTail(rate: 0.05, latency: .seconds(1)),
            hangRate: 0.05, resetRate: 0.05, goAwayRate: 0.05, dropRate: 0.05
        )]
        func run(seed: UInt64) throws -> [FaultDecision] {
            var p = try planner(rules: rules)
            var random = FaultRandom(seed: seed)
            return (0..<300).map { index in
                p.plan(elapsed: .milliseconds(index), method: index % 2 == 0 ? getProduct : echoGet, metadata: [:]) { random.nextUnitInterval() }
            }
        }
        let first = try run(seed: 7)
        #expect(try run(seed: 7) == first)
        #expect(try run(seed: 8) != first)
        // A plausible mix, not a degenerate source.
        let errors = first.filter { $0.faults.contains(.error) }.count
        #expect((20...90).contains(errors), "\(errors) errors in 300 calls at 20%")
        #expect(Set(first.map(\.delay)).count > 100)
    }
}
