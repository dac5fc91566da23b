import CLinuxShims
import Foundation
import Glibc
import Synchronization

/// Something registered with an event loop for readiness events on a file descriptor.
/// Only called on the loop's thread.
protocol EventLoopHandler: AnyObject {
    func handleEvents(_ events: UInt32)
}

/// Something with output to write once the loop has done this turn's work (see
/// ``EventLoop/flushAtEndOfTurn(_:)``). Only called on the loop's thread.
protocol EventLoopFlushable: AnyObject {
    func flushNow()
}

/// An I/O thread: epoll for readiness, an eventfd to wake it for submitted work, and a timer heap
/// for deadlines. Connections are owned by one loop and only touched on its thread.
final class EventLoop: @unchecked Sendable {
    typealias Work = @Sendable () -> Void

    private let epollFD: Int32
    private let wakeFD: Int32
    private let queue = Mutex(Submissions())
    private let name: String

    /// Work submitted from other threads, and whether the loop is (about to be) blocked in
    /// `epoll_wait`: only then does `execute` write the eventfd. A loop that is running drains
    /// the queue before it blocks again, so waking it would cost two syscalls for nothing.
    private struct Submissions {
        var work: [QueuedWork] = []
        var sleeping = false
    }

    // Loop-thread state.
    /// Scratch space for socket reads, shared by this loop's connections.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    private var handlers: [Int32: EventLoopHandler] = [:]
    private var timers = TimerHeap()
    /// Connections with output to write at the end of this turn: one `send` per connection and
    /// turn, however many responses, messages and window updates the turn queued.
    private var toFlush: [any EventLoopFlushable] = []
    private var flushing: [any EventLoopFlushable] = []
    private var running: [QueuedWork] = []
    /// Work kept in a struct is stored as it is called: queueing a closure bare in an array
    /// would allocate a conversion thunk for each.
    private struct QueuedWork {
        let run: Work
    }

    init(name: String) {
        self.name = name
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        precondition(epollFD >= 0 && wakeFD >= 0, "could not create epoll/eventfd for the HTTP/2 event loop (errno \(errno))")
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wakeFD
        _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
    }

    /// Runs `work` on the loop thread, always later (never inline), so that it can never run
    /// inside an nghttp2 callback.
    func execute(_ work: @escaping Work) {
        let mustWake = queue.withLock { queue in
            queue.work.append(QueuedWork(run: work))
            defer { queue.sleeping = false }
            return queue.sleeping
        }
        if mustWake {
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, 8)
        }
    }

    // MARK: Loop-thread API

    func register(_ fd: Int32, events: UInt32, handler: EventLoopHandler) {
        handlers[fd] = handler
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    func modify(_ fd: Int32, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.fd = fd
        _ = epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    func unregister(_ fd: Int32) {
        handlers[fd] = nil
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
    }

    /// Calls `body` on the loop thread at `deadline`, unless cancelled first.
    @discardableResult
    func scheduleTimer(at deadline: ContinuousClock.Instant, _ body: @escaping () -> Void) -> TimerHeap.ID {
        timers.schedule(at: deadline, body)
    }

    func cancelTimer(_ id: TimerHeap.ID?) {
        if let id { timers.cancel(id) }
    }

    /// Calls `flushNow()` on `connection` once this turn's events, timers and submitted work are
    /// done. The caller makes sure it asks once per turn.
    func flushAtEndOfTurn(_ connection: any EventLoopFlushable) {
        toFlush.append(connection)
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while true {
            var timeout = timers.millisecondsUntilNext(now: .now)
            if timeout != 0 {
                // Block only with nothing queued; from here on, submitters wake us.
                let idle = queue.withLock { queue in
                    queue.sleeping = queue.work.isEmpty
                    return queue.sleeping
                }
                if !idle { timeout = 0 }
            }
            let count = events.withUnsafeMutableBufferPointer { buffer in
                epoll_wait(epollFD, buffer.baseAddress, Int32(buffer.count), timeout)
            }
            if timeout != 0 {
                queue.withLock { $0.sleeping = false }
            }
            if count < 0 && errno != EINTR {
                fatalError("epoll_wait failed on \(name) (errno \(errno))")
            }
            if count > 0 {
                for index in 0..<Int(count) {
                    let fd = events[index].data.fd
                    if fd == wakeFD {
                        var value: UInt64 = 0
                        _ = Glibc.read(wakeFD, &value, 8)
                        continue
                    }
                    handlers[fd]?.handleEvents(events[index].events)
                }
            }
            for body in timers.popDue(now: .now) { body() }
            runQueued()
            flushAll()
        }
    }

    private func flushAll() {
        // Flushing can close a connection, whose clean-up can ask for more flushes.
        while !toFlush.isEmpty {
            swap(&toFlush, &flushing)
            for connection in flushing { connection.flushNow() }
            flushing.removeAll(keepingCapacity: true)
        }
    }

    private func runQueued() {
        // Drain in batches so that work submitted by work still runs promptly. Swapping with a
        // spare array keeps both buffers allocated across turns.
        while true {
            queue.withLock { queue in swap(&queue.work, &running) }
            if running.isEmpty { return }
            for work in running { work.run() }
            running.removeAll(keepingCapacity: true)
        }
    }
}

/// The process-wide I/O threads shared by every HTTP/2 transport: a small fixed number, so that
/// neither calls nor connections cost a thread.
enum EventLoopGroup {
    static let loops: [EventLoop] = {
        let count = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
        return (0..<count).map { EventLoop(name: "breakwater-h2-\($0)") }
    }()

    private static let counter = Atomic<Int>(0)

    /// The next loop, round robin.
    static func next() -> EventLoop {
        let index = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[index % loops.count]
    }
}
