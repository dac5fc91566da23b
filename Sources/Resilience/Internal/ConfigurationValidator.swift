/// Collects configuration problems, then throws them all at once.
struct ConfigurationValidator {
    let configuration: String
    private(set) var problems: [ConfigurationError.Problem] = []

    init(_ configuration: String) { self.configuration = configuration }

    mutating func check(_ condition: Bool, _ field: String, _ value: Any, _ requirement: String) {
        if !condition {
            problems.append(.init(field: field, value: "\(value)", requirement: requirement))
        }
    }

    func finish() throws(ConfigurationError) {
        if !problems.isEmpty { throw ConfigurationError(configuration: configuration, problems: problems) }
    }
}
