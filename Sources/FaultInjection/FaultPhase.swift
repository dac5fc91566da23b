/// One step of a fault schedule: a name, how long it lasts and the rules that apply meanwhile
/// (in addition to the configuration's own rules). The last phase of a schedule lasts for ever.
///
/// ```swift
/// let phases = [
///     FaultPhase(name: "healthy", duration: .seconds(6)),
///     FaultPhase(name: "flaky", duration: .seconds(10), rules: [FaultRule(errorRate: 0.3)]),
///     FaultPhase(name: "outage", duration: .seconds(8), rules: [FaultRule(outage: .always)]),
///     FaultPhase(name: "healthy", duration: .seconds(10)),
/// ]
/// ```
public struct FaultPhase: Sendable, Hashable, CustomStringConvertible {
    /// A name for people, e.g. `flaky`.
    public var name: String
    /// How long the phase lasts (more than zero, at most a day); the last phase lasts for ever,
    /// but its duration is validated all the same (it shows in descriptions).
    public var duration: Duration
    /// The rules of this phase; outage windows in them count from the phase's start.
    public var rules: [FaultRule]

    /// Creates a phase; ``FaultInjectionInterceptor/Configuration`` validates it.
    public init(name: String, duration: Duration, rules: [FaultRule] = []) {
        self.name = name
        self.duration = duration
        self.rules = rules
    }

    /// `flaky for 10 s: 30% UNAVAILABLE, 2-20 ms latency`.
    public var description: String {
        "\(name) for \(Text.duration(duration)): \(faultsDescription)"
    }

    /// The rules that inject something, `; `-separated; `no faults` when none does.
    var faultsDescription: String {
        let faults = rules.filter { !$0.isEmpty }.map(\.description)
        return faults.isEmpty ? "no faults" : faults.joined(separator: "; ")
    }
}
