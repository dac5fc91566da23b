import Dispatch
import ExampleServices
import Glibc
import Synchronization

/// Ctrl-C (SIGINT) during a run: the first cancels the run's task, so it ends early and still
/// prints its summary (the output most wanted after stopping a run); a second exits at once with
/// status 130. Keep it alive for the run: the handler lives as long as it does.
final class Interruption {
    private let source: any DispatchSourceSignal

    init<Success: Sendable>(cancelling task: Task<Success, any Error>) {
        signal(SIGINT, SIG_IGN)
        let count = InterruptCount()
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "example-client.signals"))
        source.setEventHandler { @Sendable in
            if count.value.add(1, ordering: .relaxed).newValue > 1 {
                Console.error("example-client: second interrupt, stopping now\n")
                exit(130)
            }
            Console.error("example-client: interrupted; ending the calls in flight and printing the summary (interrupt again to stop now)\n")
            task.cancel()
        }
        source.resume()
    }

    deinit { source.cancel() }
}

/// The interrupts seen so far (an `Atomic` cannot be captured itself).
private final class InterruptCount: Sendable {
    let value = Atomic<Int>(0)
}
