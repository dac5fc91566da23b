/// A ``FaultInjectionInterceptor/Configuration`` that cannot work, with every problem found,
/// each naming the field (e.g. `rules[0].errorRate`), its value and what it must be.
///
/// ```swift
/// do {
///     _ = try FaultInjectionInterceptor.Configuration(rules: [FaultRule(errorRate: 1.5)])
/// } catch {
///     print(error)
///     // invalid FaultInjectionInterceptor.Configuration (1 problem): rules[0].errorRate is 1.5;
///     // it must be in 0...1. Fix this value.
/// }
/// ```
public struct FaultInjectionConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One invalid field.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The field's path, e.g. `phases[1].rules[0].latency.maximum`.
        public var field: String
        /// The field's value and what it must be: `is 1.5; it must be in 0...1`.
        public var message: String

        /// A problem with `field`, explained by `message`.
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }

        /// `rules[0].errorRate is 1.5; it must be in 0...1`.
        public var description: String { "\(field) \(message)" }
    }

    /// Every problem, in field order; never empty.
    public var problems: [Problem]

    /// An error listing `problems` (not empty).
    public init(problems: [Problem]) { self.problems = problems }

    /// The names of the invalid fields.
    public var fields: [String] { problems.map(\.field) }

    /// Every problem in one sentence, as in the example above.
    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "invalid FaultInjectionInterceptor.Configuration (\(count)): "
            + problems.map(\.description).joined(separator: "; ")
            + ". Fix \(problems.count == 1 ? "this value" : "these values")."
    }
}
