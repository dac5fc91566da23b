import Foundation
import Testing

/// Runs `python/interop.py` (a grpcio client or server) as a child process.
///
/// The peer is required: CI installs grpcio. When python3 or grpcio is missing locally the
/// tests fail loudly with the command that installs it, rather than skip.
final class PythonPeer: @unchecked Sendable {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let protos = repositoryRoot.appendingPathComponent("Protos").path
    static let script = repositoryRoot.appendingPathComponent("Tests/InteropTests/python/interop.py").path

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// Fails with install instructions unless python3 with grpcio and grpcio-tools is present.
    static func requireGRPCIO() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import grpc, grpc_tools"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Missing(description: "INTEROP PEER MISSING: cannot run python3 (\(error)); install it and `python3 -m pip install grpcio grpcio-tools protobuf` (make test does)")
        }
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw Missing(description: "INTEROP PEER MISSING: python3 cannot import grpc / grpc_tools; run `python3 -m pip install grpcio grpcio-tools protobuf` (make test does)")
        }
    }

    let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()

    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script] + arguments + ["--protos", Self.protos]
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        try process.run()
    }

    /// Reads standard output up to the first line starting with `prefix`; `nil` at end of output.
    func readLine(startingWith prefix: String) -> String? {
        var buffer = Data()
        let handle = stdoutPipe.fileHandleForReading
        while true {
            let byte = handle.readData(ofLength: 1)
            if byte.isEmpty { return nil }
            if byte[0] == UInt8(ascii: "\n") {
                let line = String(decoding: buffer, as: UTF8.self)
                if line.hasPrefix(prefix) { return line }
                buffer.removeAll()
            } else {
                buffer.append(byte)
            }
        }
    }

    /// Waits for the process to end; returns its standard output and error.
    func finish() -> (status: Int32, stdout: String, stderr: String) {
        try? stdinPipe.fileHandleForWriting.close()
        let out = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        let err = stderrPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// Runs blocking work (reading the peer's pipes) on its own thread, off Swift's cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    /// Ends a server peer: closing its stdin makes it stop.
    func stop() {
        try? stdinPipe.fileHandleForWriting.close()
        if process.isRunning {
            DispatchQueue.global().asyncAfter(deadline: .now() + 5) { [process] in
                if process.isRunning { process.terminate() }
            }
        }
        process.waitUntilExit()
    }
}
