extension Bulkhead {
    /// How many calls a bulkhead lets run at once: a fixed number, or an adaptive limit that
    /// follows the callee's latency and failures, within bounds.
    ///
    /// ```swift
    /// let fixed = Bulkhead.Limit.fixed(8)
    /// let aimd = Bulkhead.Limit.aimd(initial: 10, minimum: 2, maximum: 100, latencyTarget: .milliseconds(200))
    /// let gradient = Bulkhead.Limit.gradient(initial: 10, minimum: 2, maximum: 100)
    /// ```
    ///
    /// Values are checked by ``Bulkhead/Configuration/init(limit:maxQueueLength:maxWait:)``.
    public struct Limit: Sendable, Hashable, CustomStringConvertible {
        struct AIMD: Sendable, Hashable {
            var initial: Int, minimum: Int, maximum: Int
            var latencyTarget: Duration
            var backoffRatio: Double
        }

        struct Gradient: Sendable, Hashable {
            var initial: Int, minimum: Int, maximum: Int
            var smoothing: Double
            var queueAllowance: Int
            var backoffRatio: Double
            var minRTTWindow: Int
        }

        enum Kind: Sendable, Hashable {
            case fixed(Int)
            case aimd(AIMD)
            case gradient(Gradient)
        }

        let kind: Kind

        /// Exactly `maxConcurrentCalls` at once.
        public static func fixed(_ maxConcurrentCalls: Int) -> Limit { Limit(kind: .fixed(maxConcurrentCalls)) }

        /// Additive increase, multiplicative decrease: each call that succeeds within
        /// `latencyTarget` while at least half the limit is in use adds 1; each failure or slower
        /// call multiplies the limit by `backoffRatio`.
        ///
        /// - Parameters:
        ///   - initial: The starting limit. Default 20 (Netflix concurrency-limits' default).
        ///   - minimum: The limit never falls below this, so some traffic always flows to show
        ///     recovery. Default 1.
        ///   - maximum: The limit never rises above this. Default 200.
        ///   - latencyTarget: Slower calls count as overload. Default 1 s: well above a healthy
        ///     RPC, well below a typical deadline.
        ///   - backoffRatio: In 0.5..<1. Default 0.9: ten failures in a row cut the limit by
        ///     about two thirds, one stray failure costs only 10%.
        public static func aimd(
            initial: Int = 20, minimum: Int = 1, maximum: Int = 200,
            latencyTarget: Duration = .seconds(1), backoffRatio: Double = 0.9
        ) -> Limit {
            Limit(kind: .aimd(AIMD(
                initial: initial, minimum: minimum, maximum: maximum,
                latencyTarget: latencyTarget, backoffRatio: backoffRatio
            )))
        }

        /// A gradient limit: after each successful call, `target = limit * gradient + queueAllowance`
        /// with `gradient = minRTT / sampleRTT` clamped to 0.5...1 (the lowest round-trip time
        /// seen in the current `minRTTWindow` over this call's), and the limit moves `smoothing` of the way to the target.
        /// When latency stays at its minimum the limit grows by about `queueAllowance * smoothing`
        /// per call; when calls take twice as long, it shrinks towards `2 * queueAllowance`.
        /// A failure multiplies it by `backoffRatio`. It grows only while at least half of it is in use.
        ///
        /// - Parameters:
        ///   - initial: Default 20. `minimum`: default 1. `maximum`: default 200.
        ///   - smoothing: In 0 < x <= 1. Default 0.2: a step takes about five calls to take effect,
        ///     so one slow call does not halve the limit.
        ///   - queueAllowance: Calls allowed to queue at the callee beyond its measured
        ///     parallelism. Default 4 (Netflix Gradient2's default).
        ///   - backoffRatio: In 0.5..<1. Default 0.9.
        ///   - minRTTWindow: The minimum round-trip time is measured afresh every this many
        ///     successful calls, so that one unusually fast call (a cache hit) or a callee whose
        ///     normal latency has moved does not pin the gradient at 0.5 for ever. Default 1000:
        ///     long enough for a stable minimum. At least 1.
        public static func gradient(
            initial: Int = 20, minimum: Int = 1, maximum: Int = 200,
            smoothing: Double = 0.2, queueAllowance: Int = 4, backoffRatio: Double = 0.9,
            minRTTWindow: Int = 1000
        ) -> Limit {
            Limit(kind: .gradient(Gradient(
                initial: initial, minimum: minimum, maximum: maximum,
                smoothing: smoothing, queueAllowance: queueAllowance, backoffRatio: backoffRatio,
                minRTTWindow: minRTTWindow
            )))
        }

        /// The starting limit (the only one, for a fixed limit).
        public var initial: Int {
            switch kind {
            case .fixed(let limit): limit
            case .aimd(let aimd): aimd.initial
            case .gradient(let gradient): gradient.initial
            }
        }

        /// Whether the limit moves with latency and failures.
        public var isAdaptive: Bool {
            if case .fixed = kind { return false }
            return true
        }

        public var description: String {
            switch kind {
            case .fixed(let limit):
                "fixed(\(limit))"
            case .aimd(let a):
                "aimd(initial: \(a.initial), minimum: \(a.minimum), maximum: \(a.maximum), latencyTarget: \(a.latencyTarget), backoffRatio: \(a.backoffRatio))"
            case .gradient(let g):
                "gradient(initial: \(g.initial), minimum: \(g.minimum), maximum: \(g.maximum), smoothing: \(g.smoothing), queueAllowance: \(g.queueAllowance), backoffRatio: \(g.backoffRatio), minRTTWindow: \(g.minRTTWindow))"
            }
        }

        /// Adds every problem with the limit's values to `validator`.
        func validate(into validator: inout ConfigurationValidator) {
            func bounds(_ initial: Int, _ minimum: Int, _ maximum: Int, backoff: Double) {
                validator.check(minimum >= 1, "limit.minimum", minimum, "at least 1, or no call could ever run")
                validator.check(
                    maximum >= minimum && maximum <= ConfigurationLimits.maxConcurrency, "limit.maximum", maximum,
                    "in limit.minimum...\(ConfigurationLimits.maxConcurrency) (\(minimum)...\(ConfigurationLimits.maxConcurrency))"
                )
                validator.check(
                    initial >= minimum && initial <= maximum, "limit.initial", initial,
                    "in limit.minimum...limit.maximum (\(minimum)...\(maximum))"
                )
                validator.check(backoff >= 0.5 && backoff < 1, "limit.backoffRatio", backoff, "in 0.5 <= x < 1")
            }
            switch kind {
            case .fixed(let limit):
                validator.check(limit >= 1, "limit", limit, "at least 1, or no call could ever run")
            case .aimd(let a):
                bounds(a.initial, a.minimum, a.maximum, backoff: a.backoffRatio)
                validator.check(a.latencyTarget > .zero, "limit.latencyTarget", a.latencyTarget, "positive")
            case .gradient(let g):
                bounds(g.initial, g.minimum, g.maximum, backoff: g.backoffRatio)
                validator.check(g.smoothing > 0 && g.smoothing <= 1, "limit.smoothing", g.smoothing, "in 0 < x <= 1")
                validator.check(g.queueAllowance >= 0, "limit.queueAllowance", g.queueAllowance, "at least 0")
                validator.check(g.minRTTWindow >= 1, "limit.minRTTWindow", g.minRTTWindow, "at least 1")
            }
        }
    }
}
