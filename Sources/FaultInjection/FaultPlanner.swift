import RPCCore

/// Decides, for each call, which faults to inject: a pure value that takes the time since the
/// schedule started, the method, the request metadata and random draws, and returns a
/// ``FaultDecision``. ``FaultInjectionInterceptor`` runs one behind a lock and applies what it
/// decides; tests drive one directly with scripted draws.
///
/// Randomness: each rule that applies to a call takes a fixed number of draws in `0 ..< 1`, in
/// this order: latency base (if its range is not a single value), latency tail (if its tail
/// rate is above 0), then drop, goaway, reset, hang, error (each only when its rate is above
/// 0; a draw below the rate injects). So the same seed and the same sequence of calls give the
/// same decisions. Outages and `x-fault-*` metadata take no draws.
///
/// ```swift
/// var planner = FaultPlanner(configuration: try .init(rules: [FaultRule(errorRate: 0.5)]))
/// let decision = planner.plan(elapsed: .seconds(3), method: getProduct, metadata: [:], random: { 0.2 })
/// // decision.action == .fail(Status(code: .unavailable, ...), trailers: [:])
/// ```
public struct FaultPlanner: Sendable {
    /// The rules, phases and switches the planner follows.
    public let configuration: FaultInjectionInterceptor.Configuration
    /// Calls failed so far per `x-fault-key` (for `x-fault-fail-first-n`).
    var failFirstCounts: [String: Int] = [:]

    /// The most distinct `x-fault-key` values remembered; a call with a new key beyond it fails
    /// INVALID_ARGUMENT rather than letting memory grow without bound.
    public static let maxFaultKeys = 100_000

    /// A planner with no `x-fault-fail-first-n` counts yet.
    public init(configuration: FaultInjectionInterceptor.Configuration) {
        self.configuration = configuration
    }

    /// The decision for a call to `method` arriving `elapsed` after the schedule started.
    /// `random` returns draws in `0 ..< 1`.
    public mutating func plan(elapsed: Duration, method: MethodDescriptor, metadata: Metadata, random: () -> Double) -> FaultDecision {
        let position = FaultPhase.Position.of(configuration.phases, at: elapsed)
        if configuration.allowsMetadataFaults, metadata.contains(where: { $0.key.hasPrefix(FaultMetadataKeys.prefix) }) {
            var decision = planFromMetadata(method: method, metadata: metadata)
            decision.phase = position?.phase.name
            return decision
        }
        var decision = planFromRules(elapsed: elapsed, position: position, method: method, random: random)
        decision.phase = position?.phase.name
        return decision
    }

    private func planFromRules(elapsed: Duration, position: FaultPhase.Position?, method: MethodDescriptor, random: () -> Double) -> FaultDecision {
        // Each rule with the time its outage windows count from, and the end of its phase.
        var rules: [(rule: FaultRule, time: Duration, phaseRemaining: Duration?)] = configuration.rules.map { ($0, elapsed, nil) }
        if let position {
            rules += position.phase.rules.map { ($0, position.elapsedInPhase, position.remaining) }
        }
        rules = rules.filter { $0.rule.scope.matches(method) }
        guard !rules.isEmpty else { return .proceed }

        for (rule, time, phaseRemaining) in rules {
            guard let outage = rule.outage, case .some(let remaining) = outage.remaining(at: time) else { continue }
            var back: Duration? = remaining
            if let phaseRemaining { back = min(back ?? phaseRemaining, phaseRemaining) }
            let when = back.map { "back in \(Text.duration($0))" } ?? "no end is scheduled"
            let status = Status(code: .unavailable, message: "\(configuration.name) is in a simulated outage; \(when)")
            return FaultDecision(action: .fail(status, trailers: Self.pushback(rule.pushbackMilliseconds)), faults: [.outage])
        }

        var delay = Duration.zero
        var chosen: (kind: FaultKind, rule: FaultRule)?
        for (rule, _, _) in rules {
            if let latency = rule.latency {
                let base = latency.drawsBase ? random() : 0
                let tail = latency.tailRate > 0 ? random() : 1
                delay += latency.sample(base: base, tail: tail)
            }
            // Every draw is taken, hit or not, so that later calls see the same sequence.
            let hits: [(FaultKind, Bool)] = [
                (.drop, Self.draw(rule.dropRate, random)),
                (.goAway, Self.draw(rule.goAwayRate, random)),
                (.reset, Self.draw(rule.resetRate, random)),
                (.hang, Self.draw(rule.hangRate, random)),
                (.error, Self.draw(rule.errorRate, random)),
            ]
            if chosen == nil, let hit = hits.first(where: { $0.1 }) { chosen = (hit.0, rule) }
        }
        var faults: [FaultKind] = delay > .zero ? [.latency] : []
        guard let (kind, rule) = chosen else { return FaultDecision(delay: delay, faults: faults) }
        faults.append(kind)
        let path = method.path
        let action: FaultDecision.Action
        switch kind {
        case .drop:
            action = .transport(.dropConnection, Status(code: .unavailable, message: "\(configuration.name) injected a dropped connection into \(path)"))
        case .goAway:
            action = .transport(.goAway, Status(code: .unavailable, message: "\(configuration.name) injected GOAWAY into \(path)"))
        case .reset:
            action = .transport(
                .resetStream(rule.resetCode),
                Status(code: .unavailable, message: "\(configuration.name) injected a stream reset (\(rule.resetCode)) into \(path)")
            )
        case .hang:
            action = .hang
        default:
            let message = rule.errorMessage
                ?? "\(configuration.name) injected \(rule.errorCode) into \(path) (error rate \(Text.percent(rule.errorRate)))"
            action = .fail(Status(code: rule.errorCode, message: message), trailers: Self.pushback(rule.pushbackMilliseconds))
        }
        return FaultDecision(delay: delay, action: action, faults: faults)
    }

    private static func draw(_ rate: Double, _ random: () -> Double) -> Bool {
        rate > 0 && random() < rate
    }

    static func pushback(_ milliseconds: Int?) -> Metadata {
        guard let milliseconds else { return [:] }
        return ["grpc-retry-pushback-ms": "\(milliseconds)"]
    }
}
