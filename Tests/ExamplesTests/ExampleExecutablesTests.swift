import Foundation
import Testing

/// Runs the real `example-server` and `example-client` executables against each other, as
/// `make demo` does on a shorter schedule, and checks that the client shows what the demo promises.
@Suite("example executables")
struct ExampleExecutablesTests {
    /// The folder holding the built products (the test runner lives there too).
    static let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    static func run(_ name: String, _ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(name)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, output)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("the demo pair shows the breaker opening, fallbacks from cache and default, and recovery")
    func demoShowsBreakerAndFallbacks() async throws {
        let port = String(try Self.freePort())
        let (server, serverOutput) = try Self.run("example-server", [
            "--port", port, "--error-rate", "0.1", "--outage-after-s", "2", "--outage-for-s", "4", "--seed", "7", "--run-for-s", "30",
        ])
        defer { if server.isRunning { server.terminate() } }
        // The client retries nothing itself: give the server a moment to bind by waiting for its line.
        let ready = await Self.offPool { Self.readLine(serverOutput, containing: "listening on") }
        try #require(ready != nil, "example-server did not start")

        let (client, clientOutput) = try Self.run("example-client", [
            "--port", port, "--duration-s", "9", "--interval-ms", "100", "--timeout-ms", "500",
            "--window", "10", "--min-calls", "5", "--open-s", "1", "--probes", "2", "--cache-max-age-s", "2.5", "--seed", "3",
        ])
        let output = await Self.offPool { () -> String in
            let data = clientOutput.fileHandleForReading.readDataToEndOfFile()
            client.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        server.interrupt()
        server.waitUntilExit()

        #expect(client.terminationStatus == 0, "example-client failed:\n\(output)")
        #expect(output.contains("served '"), "\(output)")
        #expect(output.contains("closed -> open"), "\(output)")
        #expect(output.contains("rejected by the open breaker"), "\(output)")
        #expect(output.contains("fallback (cache,"), "\(output)")
        #expect(output.contains("fallback (default)"), "\(output)")
        #expect(output.contains("half-open -> closed"), "\(output)")
        #expect(output.contains("0 failed"), "every call got an answer or a fallback:\n\(output)")
        #expect(server.terminationStatus == 0)
    }

    static func readLine(_ pipe: Pipe, containing text: String) -> String? {
        var line = Data()
        while true {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { return nil }
            if byte[0] == UInt8(ascii: "\n") {
                let string = String(decoding: line, as: UTF8.self)
                if string.contains(text) { return string }
                line.removeAll()
            } else {
                line.append(byte)
            }
        }
    }

    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}
