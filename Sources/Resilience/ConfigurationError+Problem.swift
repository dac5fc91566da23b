extension ConfigurationError {
    /// One invalid field.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The field's name, e.g. `windowSize`.
        public var field: String
        /// The rejected value, as text.
        public var value: String
        /// What the value must be, e.g. `at least 1`.
        public var requirement: String

        public init(field: String, value: String, requirement: String) {
            self.field = field
            self.value = value
            self.requirement = requirement
        }

        public var description: String { "\(field) is \(value) but must be \(requirement)" }
    }
}
