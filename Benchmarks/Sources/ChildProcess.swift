import Foundation
import Glibc

/// A process the benchmarks start: this executable in a server or client mode, a Python grpcio
/// peer, nghttpd or h2load. Each has its own peak resident memory (VmHWM), read from /proc.
final class ChildProcess: @unchecked Sendable {
    /// The repository checkout this executable was built from (Protos/, Benchmarks/python/).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let protos = repositoryRoot.appendingPathComponent("Protos").path
    static let pythonPeer = repositoryRoot.appendingPathComponent("Benchmarks/python/bench_peer.py").path

    /// This executable, to start it again in another mode.
    static var selfExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    let name: String
    let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private var pending = Data()

    /// Starts `executable` (a path, or a name looked up in PATH through /usr/bin/env).
    init(_ name: String, executable: String, arguments: [String]) throws {
        self.name = name
        if executable.hasPrefix("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
    }

    /// This benchmark executable in another mode, e.g. `serve-echo`.
    static func benchmarks(_ name: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(name, executable: selfExecutable, arguments: arguments)
    }

    /// The Python grpcio peer (Benchmarks/python/bench_peer.py).
    static func python(_ name: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(name, executable: "python3", arguments: [pythonPeer] + arguments + ["--protos", protos])
    }

    var pid: Int32 { process.processIdentifier }

    /// Reads standard output up to the first line starting with `prefix` (off Swift's pool: it
    /// blocks). Throws if the process ends first, with what it wrote to standard error.
    func line(startingWith prefix: String) async throws -> String {
        let found: String? = await Self.offPool { self.readLine(startingWith: prefix) }
        guard let found else {
            let err = await Self.offPool { String(decoding: self.stderrPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
            throw BenchmarkFailure("\(name) ended without printing '\(prefix)': \(err.suffix(2000))")
        }
        return found
    }

    private func readLine(startingWith prefix: String) -> String? {
        let handle = stdoutPipe.fileHandleForReading
        while true {
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                if line.hasPrefix(prefix) { return line }
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            pending.append(chunk)
        }
    }

    /// The port of a server that prints `PORT <n>` once listening.
    func port() async throws -> Int {
        let line = try await line(startingWith: "PORT ")
        guard let port = Int(line.dropFirst(5).trimmingCharacters(in: .whitespaces)) else {
            throw BenchmarkFailure("\(name) printed a bad port line: \(line)")
        }
        return port
    }

    /// Peak resident memory (VmHWM) in KiB.
    var peakResidentKiB: Int? { Self.statusField("VmHWM", pid: pid) }
    /// Current resident memory (VmRSS) in KiB.
    var residentKiB: Int? { Self.statusField("VmRSS", pid: pid) }

    static func statusField(_ field: String, pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        return nil
    }

    /// Waits for the process to end by itself; returns its status and all its output.
    func finish() async -> (status: Int32, stdout: String, stderr: String) {
        await Self.offPool {
            try? self.stdinPipe.fileHandleForWriting.close()
            var out = self.pending
            out.append(self.stdoutPipe.fileHandleForReading.readDataToEndOfFile())
            let err = self.stderrPipe.fileHandleForReading.readDataToEndOfFile()
            self.process.waitUntilExit()
            return (self.process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
        }
    }

    /// Stops the process: closes its standard input (our servers exit on that), then sends
    /// SIGTERM and SIGKILL if it lingers.
    func stop() async {
        try? stdinPipe.fileHandleForWriting.close()
        let process = self.process
        await Self.offPool {
            for signal in [SIGTERM, SIGKILL] {
                for _ in 0..<40 where process.isRunning { usleep(50_000) }
                if process.isRunning { kill(process.processIdentifier, signal) }
            }
            process.waitUntilExit()
        }
    }

    /// Runs `body`, then stops the process, whether `body` threw or not.
    func stopping<T>(_ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }

    /// Runs blocking work on its own thread, off Swift's cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// Whether `command` is found in PATH.
    static func available(_ command: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(command)") }
    }
}

/// Raises the open-file limit to its hard maximum: the scale benchmark holds 1,000 connections.
func raiseOpenFileLimit() {
    var limit = rlimit()
    if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// Writes a line to standard output at once, unbuffered: the parent process waits for it.
func emitLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// This process's own VmHWM / VmRSS in KiB.
func ownStatusKiB(_ field: String) -> Int? { ChildProcess.statusField(field, pid: getpid()) }

func mebibytes(_ kib: Int?) -> String {
    guard let kib else { return "n/a" }
    return String(format: "%.1f", Double(kib) / 1024)
}
