import RPCCore

/// The failed attempts of one call, for the error that ends it.
struct AttemptLog: Sendable {
    private(set) var failures: [RPCError] = []

    var count: Int { failures.count }
    var last: RPCError? { failures.last }

    mutating func append(_ error: RPCError) { failures.append(error) }

    /// `attempt 1: UNAVAILABLE: down; attempt 2: ...`
    var details: String {
        failures.enumerated().map { "attempt \($0.offset + 1): \($0.element.code): \($0.element.message)" }
            .joined(separator: "; ")
    }

    /// The error that ends the call: the last attempt's code, metadata and error (as the cause),
    /// with a message saying why retrying stopped and how each attempt failed. A call that made a
    /// single attempt fails with that attempt's error unchanged unless `always` is set.
    func finalError(path: String, stoppedBecause reason: String, always: Bool = false) -> RPCError {
        guard let last else {
            return RPCError(code: .unknown, message: "\(path) failed before any attempt: \(reason)")
        }
        if count == 1 && !always { return last }
        let attempts = count == 1 ? "1 attempt" : "\(count) attempts"
        var error = RPCError(
            code: last.code,
            message: "\(path) failed after \(attempts) (\(reason)): \(details)",
            metadata: last.metadata,
            cause: last
        )
        error.wasNotProcessed = last.wasNotProcessed
        return error
    }

    /// DEADLINE_EXCEEDED for a call whose deadline leaves no time for another attempt.
    func deadlineError(path: String, detail: String) -> RPCError {
        let lastStatus = last.map { "\($0.code): \($0.message)" } ?? "none"
        return RPCError(
            code: .deadlineExceeded,
            message: "deadline of \(path) \(detail) after \(count) attempt\(count == 1 ? "" : "s"); last status \(lastStatus) (\(details))",
            metadata: last?.metadata ?? [:],
            cause: last
        )
    }
}
