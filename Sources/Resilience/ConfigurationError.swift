/// A policy configuration that cannot work, with every problem found, each naming the field,
/// its value and what it must be.
///
/// Thrown by the initializers of configurations such as ``CircuitBreaker/Configuration``:
///
/// ```swift
/// do {
///     _ = try CircuitBreaker.Configuration(windowSize: 0, failureRateThreshold: 1.5)
/// } catch {
///     print(error)
///     // invalid CircuitBreaker.Configuration (2 problems): windowSize is 0 but must be at
///     // least 1; failureRateThreshold is 1.5 but must be in 0 < x <= 1. Fix these values.
/// }
/// ```
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration type, e.g. `CircuitBreaker.Configuration`.
    public var configuration: String
    /// Every problem found, in field order; never empty.
    public var problems: [Problem]

    public init(configuration: String, problems: [Problem]) {
        self.configuration = configuration
        self.problems = problems
    }

    /// The names of the invalid fields.
    public var fields: [String] { problems.map(\.field) }

    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "invalid \(configuration) (\(count)): "
            + problems.map(\.description).joined(separator: "; ")
            + ". Fix \(problems.count == 1 ? "this value" : "these values")."
    }
}
