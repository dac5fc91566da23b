/// A transport configuration with invalid fields; lists every problem at once.
///
/// ```swift
/// var configuration = HTTP2ClientTransport.Configuration.defaults
/// configuration.connectTimeout = .zero
/// _ = try HTTP2ClientTransport(target: target, configuration: configuration)
/// // throws: invalid HTTP2ClientTransport.Configuration: connectTimeout is 0.0 seconds; it must be positive
/// ```
public struct HTTP2ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration type, e.g. `HTTP2ClientTransport.Configuration`.
    public var configuration: String
    /// One sentence per bad field, naming the field and its value.
    public var problems: [String]

    public init(configuration: String, problems: [String]) {
        self.configuration = configuration
        self.problems = problems
    }

    public var description: String {
        "invalid \(configuration): " + problems.joined(separator: "; ")
    }
}
