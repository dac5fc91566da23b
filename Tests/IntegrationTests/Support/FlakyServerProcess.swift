import Foundation
import Testing

/// The real `flaky-server` executable as a child process, for the integration scenarios.
///
/// Its standard output is read by a thread of its own into a line buffer, so a chatty server never
/// blocks on a full pipe, and a test can wait for a line (a phase, "listening on") without sleeping.
final class FlakyServerProcess: @unchecked Sendable {
    /// The folder holding the built products (the test runner lives there too).
    static let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    /// What the server printed on exit.
    struct Counters: Equatable, CustomStringConvertible {
        var calls: Int
        var injectedFaults: Int
        var maxConcurrentCalls: Int
        var line: String
        var description: String { line }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let process = Process()
    /// The port the server reported in its "listening on" line.
    private(set) var port = 0
    private let output = LineBuffer()

    /// Starts `flaky-server` with `arguments` (plus `--port`, 0 unless given) and waits for its
    /// "listening on" line, failing with the server's output when it does not start.
    static func start(_ arguments: [String], port: Int = 0) async throws -> FlakyServerProcess {
        let server = FlakyServerProcess()
        try server.launch(arguments + ["--port", String(port)])
        guard let line = await server.waitForLine(containing: "listening on", timeout: .seconds(30)) else {
            server.process.terminate()
            throw Failure(description: "flaky-server did not report listening within 30 s; its output:\n\(server.output.text)")
        }
        // "flaky-server listening on 127.0.0.1:PORT; faults: ..."
        guard let hostPort = line.split(separator: " ").first(where: { $0.contains(":") && $0.first?.isNumber == true }),
              let bound = Int(hostPort.split(separator: ":").last?.trimmingCharacters(in: CharacterSet(charactersIn: ";")) ?? "")
        else {
            throw Failure(description: "cannot read the port from flaky-server's line '\(line)'")
        }
        server.port = bound
        return server
    }

    private func launch(_ arguments: [String]) throws {
        let executable = Self.binDirectory.appendingPathComponent("flaky-server")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw Failure(description: "flaky-server is not built at \(executable.path); run `swift build --build-tests` (make test does)")
        }
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let buffer = output
        let handle = pipe.fileHandleForReading
        Thread {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                buffer.append(data)
            }
            buffer.close()
        }.start()
    }

    /// Everything the server printed so far.
    var text: String { output.text }

    /// Waits (without sleeping for a duration under test: it wakes on each new line) for a line
    /// containing `text`; `nil` if the output ends or `timeout` passes first.
    func waitForLine(containing text: String, timeout: Duration = .seconds(30)) async -> String? {
        let buffer = output
        return await Self.offPool { buffer.waitForLine(containing: text, timeout: timeout) }
    }

    /// Stops the server with SIGINT (it drains and prints its counters) and returns them.
    func stop() async throws -> Counters {
        if process.isRunning { process.interrupt() }
        let process = self.process
        await Self.offPool { process.waitUntilExit() }
        let buffer = output
        await Self.offPool { buffer.waitUntilClosed() }
        guard let line = output.lines.last(where: { $0.contains("flaky-server stopped:") }) else {
            throw Failure(description: "flaky-server printed no counters (exit \(process.terminationStatus)); its output:\n\(output.text)")
        }
        return Counters(
            calls: Self.number(before: " calls", in: line) ?? -1,
            injectedFaults: Self.number(before: " injected faults", in: line) ?? -1,
            maxConcurrentCalls: Self.number(after: "max ", in: line) ?? -1,
            line: line
        )
    }

    /// Kills the server at once (SIGKILL): an abrupt outage, no GOAWAY, no counters.
    func kill() async {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        let process = self.process
        await Self.offPool { process.waitUntilExit() }
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
    }

    /// The integer just before `suffix` in `line` ("12 calls" -> 12).
    static func number(before suffix: String, in line: String) -> Int? {
        guard let range = line.range(of: suffix) else { return nil }
        let digits = line[..<range.lowerBound].reversed().prefix(while: \.isNumber)
        return Int(String(digits.reversed()))
    }

    /// The integer just after `prefix` in `line` ("max 8 concurrent" -> 8).
    static func number(after prefix: String, in line: String) -> Int? {
        guard let range = line.range(of: prefix) else { return nil }
        return Int(String(line[range.upperBound...].prefix(while: \.isNumber)))
    }

    /// Runs blocking work on a thread of its own, off Swift's cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}

/// Lines of a child's output, filled by a reader thread, waited on by tests.
final class LineBuffer: @unchecked Sendable {
    private let condition = NSCondition()
    private var pending = Data()
    private var complete: [String] = []
    private var closed = false

    func append(_ data: Data) {
        condition.lock()
        pending.append(data)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            complete.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
            pending.removeSubrange(pending.startIndex...newline)
        }
        condition.broadcast()
        condition.unlock()
    }

    func close() {
        condition.lock()
        if !pending.isEmpty {
            complete.append(String(decoding: pending, as: UTF8.self))
            pending.removeAll()
        }
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    var lines: [String] {
        condition.lock()
        defer { condition.unlock() }
        return complete
    }

    var text: String { lines.joined(separator: "\n") }

    func waitForLine(containing text: String, timeout: Duration) -> String? {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        condition.lock()
        defer { condition.unlock() }
        var checked = 0
        while true {
            while checked < complete.count {
                if complete[checked].contains(text) { return complete[checked] }
                checked += 1
            }
            if closed { return nil }
            if !condition.wait(until: deadline) { return nil }
        }
    }

    func waitUntilClosed() {
        condition.lock()
        while !closed { condition.wait() }
        condition.unlock()
    }
}
