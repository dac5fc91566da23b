import Dispatch
import Glibc
import Synchronization

/// How the example executables stop: the first SIGINT or SIGTERM, or the end of a run-for time,
/// begins a graceful stop (a server drains its calls in flight, the client ends its run and
/// prints its summary); a second signal stops the process at once with status 130, saying so on
/// standard error as `<name>: second signal, stopping now`. The first signal says on standard
/// error what happens next, so that the process does not look stuck.
///
/// Create it once the server exists and keep it alive while the server serves: the signal
/// handlers live as long as it does. Creating it makes the process ignore SIGINT and SIGTERM's
/// default action (termination), so that the handlers see them.
///
/// ```swift
/// let lifecycle = GracefulStop(name: "example-server", runFor: .seconds(30)) {
///     server.beginGracefulShutdown()
/// }
/// try await server.serve()
/// withExtendedLifetime(lifecycle) {}
/// ```
public final class GracefulStop {
    private let sources: [any DispatchSourceSignal]

    /// Installs the signal handlers and, when `runFor` is above zero, the run-for timer.
    /// - Parameters:
    ///   - name: The executable's name, starting its second-signal message.
    ///   - runFor: Begin the graceful shutdown after this long; zero (the default): never.
    ///   - gracePeriod: How long the server lets calls drain before cancelling them, for the
    ///     first signal's message; `nil` (the default): not said.
    ///   - firstSignalMessage: What the first signal prints after `<name>: `; `nil` (the
    ///     default): that calls in flight are draining.
    ///   - beforeImmediateExit: Runs on a second signal just before the process exits, e.g. to
    ///     print counters that the graceful path would have printed.
    ///   - beginGracefulShutdown: Starts draining the server; called at most once per signal
    ///     and once for the run-for time (a server ignores repeated calls).
    public init(
        name: String,
        runFor: Duration = .zero,
        gracePeriod: Duration? = nil,
        firstSignalMessage: String? = nil,
        beforeImmediateExit: @escaping @Sendable () -> Void = {},
        beginGracefulShutdown: @escaping @Sendable () -> Void
    ) {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let queue = DispatchQueue(label: "\(name).signals")
        let signals = SignalCount()
        sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        for source in sources {
            source.setEventHandler { @Sendable in
                // The first signal drains gracefully; a second one stops at once.
                if signals.value.add(1, ordering: .relaxed).newValue > 1 {
                    Console.error("\(name): second signal, stopping now\n")
                    beforeImmediateExit()
                    exit(130)
                }
                let limit = gracePeriod.map { " (calls still running after \($0.components.seconds) s are cancelled)" } ?? ""
                let message = firstSignalMessage ?? "stopping: draining calls in flight\(limit); a second signal stops now"
                Console.error("\(name): \(message)\n")
                beginGracefulShutdown()
            }
            source.resume()
        }
        if runFor > .zero {
            let (seconds, attoseconds) = runFor.components
            let milliseconds = Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
            queue.asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { @Sendable in beginGracefulShutdown() }
        }
    }

    deinit {
        for source in sources { source.cancel() }
    }
}

/// The signals seen so far, shared by the handlers (an `Atomic` cannot be captured itself).
private final class SignalCount: Sendable {
    let value = Atomic<Int>(0)
}
