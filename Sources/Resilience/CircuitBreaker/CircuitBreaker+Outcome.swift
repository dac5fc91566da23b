extension CircuitBreaker {
    /// What a permitted call's outcome means to the breaker.
    ///
    /// ```swift
    /// let permit = try breaker.acquirePermission()
    /// do {
    ///     try await callTheBackend()
    ///     permit.record(.success)
    /// } catch is CancellationError {
    ///     permit.record(.ignored)    // the caller lost interest: says nothing about the backend
    /// } catch {
    ///     permit.record(.failure)
    /// }
    /// ```
    public enum Outcome: Sendable, Hashable, CustomStringConvertible {
        /// The callee worked (including errors that are the caller's fault, such as NOT_FOUND).
        case success
        /// The callee failed in a way that counts towards tripping the breaker.
        case failure
        /// Neither: the permit is released without recording anything (caller cancellation).
        case ignored

        public var description: String {
            switch self {
            case .success: "success"
            case .failure: "failure"
            case .ignored: "ignored"
            }
        }
    }
}
