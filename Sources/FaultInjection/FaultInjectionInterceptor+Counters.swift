extension FaultInjectionInterceptor {
    /// What the interceptor has seen and done so far.
    public struct Counters: Sendable, Hashable, CustomStringConvertible {
        /// Calls that reached the interceptor.
        public var calls = 0
        /// Calls whose response has not ended yet.
        public var inFlight = 0
        /// The most calls in flight at once.
        public var maxConcurrentCalls = 0
        /// Faults injected, by kind (a delayed call that then fails counts once for each).
        public var injected: [FaultKind: Int] = [:]
        /// Calls refused with INVALID_ARGUMENT because of bad `x-fault-*` metadata.
        public var invalidMetadata = 0

        /// All zero.
        public init() {}

        /// Faults of `kind` injected.
        public subscript(kind: FaultKind) -> Int { injected[kind, default: 0] }

        /// All faults injected.
        public var totalInjected: Int { injected.values.reduce(0, +) }

        /// `N calls, M injected faults (a errors, b latency, c hangs, d resets, e goaways,
        /// f drops, g outage), max K concurrent calls, J still in flight, I rejected for invalid
        /// x-fault-* metadata`: stable, for scripts to grep (new fields are only ever appended).
        public var description: String {
            "\(calls) calls, \(totalInjected) injected faults (\(self[.error]) errors, \(self[.latency]) latency, "
                + "\(self[.hang]) hangs, \(self[.reset]) resets, \(self[.goAway]) goaways, \(self[.drop]) drops, "
                + "\(self[.outage]) outage), max \(maxConcurrentCalls) concurrent calls, "
                + "\(inFlight) still in flight, \(invalidMetadata) rejected for invalid x-fault-* metadata"
        }
    }
}
