import ExampleServices
import Foundation
import Glibc
import Protobuf

/// Part 3: the Swift server under h2load (`-c 4 -m 64`, a prepared gRPC request body), in the same
/// run as nghttpd answering the same path with a prepared file (the ceiling of any nghttp2-based
/// server here) and a grpcio server answering the same method. Goal: at least half of nghttpd's
/// rate. h2load counts any HTTP 200 as a success, gRPC errors included, so each gRPC server's
/// answer to the exact request h2load sends is checked with `nghttp` before and after each run.
enum H2LoadBenchmarks {
    static let runs = 3
    static let path = "/echo.v1.Echo/Get"

    /// A gRPC length-prefixed message: flag 0, 4-byte big-endian length, the bytes.
    static func frame(_ message: [UInt8]) -> [UInt8] {
        let count = UInt32(message.count)
        return [0, UInt8(count >> 24), UInt8((count >> 16) & 0xFF), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)] + message
    }

    static func encoded(_ message: some ProtobufMessage) -> [UInt8] {
        var writer = ProtobufWriter()
        message.encode(to: &writer)
        return writer.bytes
    }

    struct Server {
        var name: String
        var port: Int
        var grpc: Bool
    }

    static func run() async throws {
        for tool in ["h2load", "nghttpd", "nghttp"] where !ChildProcess.available(tool) {
            throw BenchmarkFailure("h2load benchmark: '\(tool)' not found; install Debian nghttp2-client and nghttp2-server (make bench does)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("breakwater-h2load-\(getpid())")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("root/echo.v1.Echo"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let requestMessage = encoded(Load.request)
        guard requestMessage.count == 16 else { throw BenchmarkFailure("the benchmark request encodes to \(requestMessage.count) bytes, not 16") }
        let body = directory.appendingPathComponent("request.bin")
        try Data(frame(requestMessage)).write(to: body)
        // nghttpd serves the bytes a gRPC server would send as the response body.
        let answer = frame(encoded(Echo_V1_EchoResponse(text: Load.text)))
        try Data(answer).write(to: directory.appendingPathComponent("root/echo.v1.Echo/Get"))

        let swift = try ChildProcess.benchmarks("swift server", ["serve-echo", "--port", "0"])
        try await swift.stopping {
            let grpcio = try ChildProcess.python("grpcio server", ["server"])
            try await grpcio.stopping {
                let nghttpdPort = try freePort()
                let nghttpd = try ChildProcess(
                    "nghttpd", executable: "nghttpd", arguments: ["--no-tls", "-d", directory.appendingPathComponent("root").path, String(nghttpdPort)]
                )
                try await nghttpd.stopping {
                    try await waitForListener(port: nghttpdPort, name: "nghttpd")
                    let servers = [
                        Server(name: "Breakwater (Swift)", port: try await swift.port(), grpc: true),
                        Server(name: "nghttpd (static file)", port: nghttpdPort, grpc: false),
                        Server(name: "grpcio (Python aio, C core)", port: try await grpcio.port(), grpc: true),
                    ]
                    try await measure(servers, body: body.path, answer: answer, processes: [swift, nghttpd, grpcio])
                }
            }
        }
    }

    static func measure(_ servers: [Server], body: String, answer: [UInt8], processes: [ChildProcess]) async throws {
        var rates = Array(repeating: [Double](), count: servers.count)
        var checks = Array(repeating: 0, count: servers.count)
        // Rounds interleave the servers so that noise spreads over all of them alike.
        for _ in 0..<runs {
            for (index, server) in servers.enumerated() {
                try await check(server, body: body, answer: answer)
                let result = try await h2load(server, body: body)
                try await check(server, body: body, answer: answer)
                checks[index] += 2
                rates[index].append(result)
            }
        }
        let ceiling = Repeated(values: rates[1]).median
        var table = Table("server", "req/s median (min...max)", "ratio to nghttpd", "per-run ratios", "answers checked", "peak RSS MiB")
        for (index, server) in servers.enumerated() {
            let perRun = zip(rates[index], rates[1]).map { Repeated.number($0 / $1, 2) }.joined(separator: " ")
            table.add(
                server.name, Repeated(values: rates[index]).text(), Repeated.number(Repeated(values: rates[index]).median / ceiling, 2),
                perRun, "\(checks[index]) ok", mebibytes(processes[index].peakResidentKiB)
            )
        }
        print("h2load -c 4 -m 64 -t 1, \(runs) rounds of 2 s (after 0.5 s warm-up), POST \(path) with a 21-byte gRPC body (5-byte prefix + 16-byte message)")
        table.print()
        let swiftRatio = Repeated(values: rates[0]).median / ceiling
        let overGrpcio = Repeated(values: rates[0]).median / Repeated(values: rates[2]).median
        print("Breakwater / nghttpd = \(Repeated.number(swiftRatio, 2)) (goal >= 0.5: \(swiftRatio >= 0.5 ? "met" : "NOT met")); Breakwater / grpcio = \(Repeated.number(overGrpcio, 2))")
    }

    /// One h2load run; returns requests per second. Fails if any request failed or was not 2xx.
    static func h2load(_ server: Server, body: String) async throws -> Double {
        let process = try ChildProcess("h2load", executable: "h2load", arguments: [
            "-D", "2", "--warm-up-time", "500ms", "-c", "4", "-m", "64", "-t", "1", "-d", body,
            "-H", "content-type: application/grpc", "-H", "te: trailers",
            "http://127.0.0.1:\(server.port)\(path)",
        ])
        let (status, output, errors) = await process.finish()
        guard status == 0,
              let finished = output.split(separator: "\n").first(where: { $0.hasPrefix("finished in") }),
              let requests = output.split(separator: "\n").first(where: { $0.hasPrefix("requests:") }),
              let codes = output.split(separator: "\n").first(where: { $0.hasPrefix("status codes:") })
        else {
            throw BenchmarkFailure("h2load against \(server.name) failed (status \(status)): \(output.suffix(1500)) \(errors.suffix(500))")
        }
        // "finished in 2.50s, 93568.00 req/s, 2.86MB/s"
        let fields = finished.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard fields.count > 1, let rate = Double(fields[1].split(separator: " ")[0]) else {
            throw BenchmarkFailure("cannot read h2load's rate: \(finished)")
        }
        // "requests: N total, N started, N done, N succeeded, 0 failed, 0 errored, 0 timeout"
        let counts = requests.dropFirst("requests:".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).split(separator: " ") }
        func count(_ label: String) -> Int? { counts.first { $0.last.map(String.init) == label }.flatMap { Int($0.first ?? "") } }
        // Status codes include the warm-up's responses, so only their classes are checked.
        let classes = codes.dropFirst("status codes:".count).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).split(separator: " ") }
        let non2xx = classes.filter { $0.last != "2xx" }.compactMap { Int($0.first ?? "") }.reduce(0, +)
        guard let done = count("done"), done > 0, count("succeeded") == done, count("failed") == 0, count("errored") == 0,
              count("timeout") == 0, non2xx == 0
        else {
            throw BenchmarkFailure("h2load against \(server.name): \(requests) / \(codes)")
        }
        return rate
    }

    /// Sends h2load's exact request with `nghttp` and checks the answer: HTTP 200, the expected
    /// response body, and for gRPC servers `grpc-status: 0` in the trailers.
    static func check(_ server: Server, body: String, answer: [UInt8]) async throws {
        let process = try ChildProcess("nghttp", executable: "nghttp", arguments: [
            "-v", "-d", body, "-H", "content-type: application/grpc", "-H", "te: trailers",
            "http://127.0.0.1:\(server.port)\(path)",
        ])
        let (status, output, _) = await process.finish()
        let lines = output.split(separator: "\n")
        let ok = status == 0
            && lines.contains { $0.hasSuffix(":status: 200") }
            && (!server.grpc || lines.contains { $0.hasSuffix("grpc-status: 0") })
            && output.utf8.contains(Array(answer[5...]))
        if !ok {
            throw BenchmarkFailure("\(server.name) answered the h2load request wrongly (nghttp status \(status)):\n\(output.suffix(2000))")
        }
    }
}

extension String.UTF8View {
    func contains(_ bytes: [UInt8]) -> Bool {
        let all = Array(self)
        guard bytes.count <= all.count else { return false }
        return (0...(all.count - bytes.count)).contains { Array(all[$0..<($0 + bytes.count)]) == bytes }
    }
}

/// A TCP port free on 127.0.0.1 right now (for servers that cannot pick their own).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BenchmarkFailure("socket() failed: errno \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw BenchmarkFailure("bind() failed: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits (up to 10 s) until something accepts TCP connections on 127.0.0.1:`port`.
func waitForListener(port: Int, name: String) async throws {
    for _ in 0..<200 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        close(fd)
        if connected { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw BenchmarkFailure("\(name) is not listening on port \(port) after 10 s")
}
