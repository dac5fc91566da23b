import RPCCore

extension FaultInjectionInterceptor {
    /// What a ``FaultInjectionInterceptor`` injects. Validated when created (and by
    /// ``validate()`` after changes), naming every bad field at once.
    ///
    /// ```swift
    /// let configuration = try FaultInjectionInterceptor.Configuration(
    ///     rules: [FaultRule(errorRate: 0.2, latency: .fixed(.milliseconds(5)))],
    ///     allowsMetadataFaults: true,
    ///     seed: 42
    /// )
    /// ```
    public struct Configuration: Sendable, Hashable {
        /// Rules that apply at all times, in order. Default none.
        public var rules: [FaultRule]
        /// A schedule of phases, each adding its rules while it lasts; the last lasts for ever.
        /// Default none.
        public var phases: [FaultPhase]
        /// Whether calls may ask for faults with `x-fault-*` metadata (``FaultMetadataKeys``).
        /// Default `false`: the keys are ignored. Keep it off in production.
        public var allowsMetadataFaults: Bool
        /// The seed of the random source, so that a run can be replayed; `nil` (the default)
        /// picks one at random (read it back from ``FaultInjectionInterceptor/seed``).
        public var seed: UInt64?
        /// Who injects, as named in the messages of injected errors. Default `server`.
        public var name: String

        /// Creates and validates a configuration.
        /// - Throws: ``FaultInjectionConfigurationError`` naming every invalid field.
        public init(
            rules: [FaultRule] = [],
            phases: [FaultPhase] = [],
            allowsMetadataFaults: Bool = false,
            seed: UInt64? = nil,
            name: String = "server"
        ) throws(FaultInjectionConfigurationError) {
            self.rules = rules
            self.phases = phases
            self.allowsMetadataFaults = allowsMetadataFaults
            self.seed = seed
            self.name = name
            try validate()
        }

        /// Checks every field. Limits: rates in 0...1; latencies and outage times in
        /// 0...1 hour (phase durations up to 1 day), pushback 0...2147483647 ms.
        /// - Throws: ``FaultInjectionConfigurationError`` naming every invalid field.
        public func validate() throws(FaultInjectionConfigurationError) {
            var problems: [FaultInjectionConfigurationError.Problem] = []
            for (index, rule) in rules.enumerated() {
                Self.check(rule, "rules[\(index)]", into: &problems)
            }
            for (index, phase) in phases.enumerated() {
                let field = "phases[\(index)]"
                if phase.name.isEmpty {
                    problems.append(.init(field: "\(field).name", message: "is empty; name the phase, e.g. flaky"))
                }
                if phase.duration <= .zero || phase.duration > .seconds(86_400) {
                    problems.append(.init(field: "\(field).duration", message: "is \(phase.duration); it must be more than 0 and at most 1 day"))
                }
                for (ruleIndex, rule) in phase.rules.enumerated() {
                    Self.check(rule, "\(field).rules[\(ruleIndex)]", into: &problems)
                }
            }
            if name.isEmpty {
                problems.append(.init(field: "name", message: "is empty; it names the server in injected errors' messages"))
            }
            if !problems.isEmpty { throw FaultInjectionConfigurationError(problems: problems) }
        }

        private static let maxDelay = Duration.seconds(3600)

        private static func check(_ rule: FaultRule, _ field: String, into problems: inout [FaultInjectionConfigurationError.Problem]) {
            func rate(_ value: Double, _ name: String) {
                if !(0...1).contains(value) {
                    problems.append(.init(field: "\(field).\(name)", message: "is \(value); it must be in 0...1"))
                }
            }
            func delay(_ value: Duration, _ name: String, allowsZero: Bool = true) {
                if value < .zero || value > maxDelay || (!allowsZero && value == .zero) {
                    problems.append(.init(field: "\(field).\(name)", message: "is \(value); it must be in \(allowsZero ? "0" : "more than 0")...1 hour"))
                }
            }
            switch rule.scope {
            case .all: break
            case .service(let service):
                if service.isEmpty || service.contains("/") {
                    problems.append(.init(field: "\(field).scope", message: "is service '\(service)'; it must be a non-empty fully qualified service name such as echo.v1.Echo"))
                }
            case .method(let method):
                if MethodDescriptor(path: method.path) != method {
                    problems.append(.init(field: "\(field).scope", message: "is method '\(method)'; it must be a method such as /echo.v1.Echo/Get"))
                }
            }
            rate(rule.errorRate, "errorRate")
            if rule.errorCode == .ok {
                problems.append(.init(field: "\(field).errorCode", message: "is OK; an injected error needs a non-OK status code"))
            }
            if let latency = rule.latency {
                delay(latency.minimum, "latency.minimum")
                delay(latency.maximum, "latency.maximum")
                if latency.maximum < latency.minimum {
                    problems.append(.init(field: "\(field).latency.maximum", message: "is \(latency.maximum); it must not be below latency.minimum (\(latency.minimum))"))
                }
                rate(latency.tailRate, "latency.tailRate")
                delay(latency.tailLatency, "latency.tailLatency")
            }
            rate(rule.hangRate, "hangRate")
            rate(rule.resetRate, "resetRate")
            rate(rule.goAwayRate, "goAwayRate")
            rate(rule.dropRate, "dropRate")
            if let outage = rule.outage {
                if outage.start < .zero || outage.start > .seconds(86_400) {
                    problems.append(.init(field: "\(field).outage.start", message: "is \(outage.start); it must be in 0...1 day"))
                }
                if let length = outage.length { delay(length, "outage.length", allowsZero: false) }
                if let period = outage.period {
                    if outage.length == nil {
                        problems.append(.init(field: "\(field).outage.period", message: "is \(period) but the outage has no length (it never ends); give a length or drop the period"))
                    } else if let length = outage.length, period <= length || period > .seconds(86_400) {
                        problems.append(.init(field: "\(field).outage.period", message: "is \(period); it must be longer than the length (\(length)) and at most 1 day"))
                    }
                }
            }
            if let pushback = rule.pushbackMilliseconds, !(0...Int(Int32.max)).contains(pushback) {
                problems.append(.init(field: "\(field).pushbackMilliseconds", message: "is \(pushback); it must be in 0...2147483647"))
            }
        }
    }
}
