import Foundation
import Testing

/// Runs `compatibilityScript` once per test process and keeps what Python said about each sample.
enum PythonProtobuf {
    struct Verdict: Sendable {
        /// What protoc-generated Python code encodes the sample as.
        var pythonBytes: [UInt8]
        /// What protoc's C++ runtime (`protoc --encode --deterministic_output`) encodes it as.
        var cppBytes: [UInt8]
        /// "ok" when Python decoded the Swift bytes to a message equal to its own sample.
        var verdict: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let installHint = "the protoc compatibility tests need python3 with the grpcio-tools and protobuf packages, "
        + "and the protoc compiler: install python3 and protobuf-compiler (Debian: apt-get install python3 python3-pip "
        + "protobuf-compiler) and run `pip install grpcio grpcio-tools protobuf`"

    /// The repository root, found from this file's path (Tests/ProtobufTests/Support/).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Python's verdict for each sample, by name; computed once.
    static let verdicts: Result<[String: Verdict], Failure> = Result { try run() }.mapError { error in
        error as? Failure ?? Failure(description: "\(error)")
    }

    private static func run() throws -> [String: Verdict] {
        let fileManager = FileManager.default
        let work = fileManager.temporaryDirectory.appendingPathComponent("breakwater-protobuf-compat-\(UUID().uuidString)")
        defer { try? fileManager.removeItem(at: work) }
        let testProtos = work.appendingPathComponent("protos")
        let generated = work.appendingPathComponent("generated")
        let wireTestDirectory = testProtos.appendingPathComponent("wiretest/v1")
        try fileManager.createDirectory(at: wireTestDirectory, withIntermediateDirectories: true)
        try fileManager.createDirectory(at: generated, withIntermediateDirectories: true)
        try wireTestProto.write(to: wireTestDirectory.appendingPathComponent("wiretest.proto"), atomically: true, encoding: .utf8)
        let script = work.appendingPathComponent("compat.py")
        try compatibilityScript.write(to: script, atomically: true, encoding: .utf8)
        let input = work.appendingPathComponent("input.txt")
        let lines = compatibilitySamples.map { sample in
            "\(sample.name) \(sample.encoded.isEmpty ? "-" : hex(sample.encoded))\n"
        }
        try lines.joined().write(to: input, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", script.path, repositoryRoot.appendingPathComponent("Protos").path, testProtos.path, generated.path,
        ]
        let output = Pipe()
        let errors = Pipe()
        var environment = ProcessInfo.processInfo.environment
        environment["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"] = "python"
        process.environment = environment
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Failure(description: "could not start python3 (\(error)); \(installHint)")
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stdout = String(decoding: outputData, as: UTF8.self)
        let stderr = String(decoding: errorData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            let hint = process.terminationStatus == 127 || process.terminationStatus == 3 ? "; \(installHint)" : ""
            let said = (stdout + " " + stderr).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "python3 exited with status \(process.terminationStatus): \(said)\(hint)")
        }
        var verdicts: [String: Verdict] = [:]
        for line in stdout.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
            guard parts.count == 4 else { throw Failure(description: "unexpected line from python3: \(line)") }
            verdicts[parts[0]] = Verdict(
                pythonBytes: parts[1] == "-" ? [] : try unhex(parts[1]),
                cppBytes: parts[2] == "-" ? [] : try unhex(parts[2]),
                verdict: parts[3]
            )
        }
        return verdicts
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    static func unhex(_ text: String) throws -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { throw Failure(description: "odd-length hex from python3: \(text)") }
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                throw Failure(description: "bad hex from python3: \(text)")
            }
            return byte
        }
    }
}
