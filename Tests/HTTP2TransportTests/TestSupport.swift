import Foundation
import Glibc
import HTTP2Transport
import RPCCore
import Synchronization
import Testing

/// Methods served by the test router; all use raw bytes (IdentitySerializer).
enum TestMethods {
    static let echo = MethodDescriptor(service: "test.Test", method: "Echo")
    static let fail = MethodDescriptor(service: "test.Test", method: "Fail")
    static let metadata = MethodDescriptor(service: "test.Test", method: "Metadata")
    static let wait = MethodDescriptor(service: "test.Test", method: "WaitForCancellation")
    static let count = MethodDescriptor(service: "test.Test", method: "Count")
    static let concat = MethodDescriptor(service: "test.Test", method: "Concat")
    static let bidi = MethodDescriptor(service: "test.Test", method: "BidiEcho")
    static let countThenFail = MethodDescriptor(service: "test.Test", method: "CountThenFail")
    static let flood = MethodDescriptor(service: "test.Test", method: "Flood")
    static let unknown = MethodDescriptor(service: "test.Test", method: "NoSuchMethod")
}

let awkwardMessage = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"

/// What handlers observed, for assertions.
final class Observations: Sendable {
    let events: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let metadata = Mutex<Metadata?>(nil)
    private let peers = Mutex<Set<String>>([])
    private let writes = Atomic<Int>(0)

    init() {
        (events, continuation) = AsyncStream<String>.makeStream()
    }

    func record(_ event: String) { continuation.yield(event) }
    func record(_ metadata: Metadata) { self.metadata.withLock { $0 = metadata } }
    var lastMetadata: Metadata? { metadata.withLock { $0 } }
    func recordWrite() { writes.add(1, ordering: .relaxed) }
    /// Messages the flood handler has written so far.
    var writeCount: Int { writes.load(ordering: .relaxed) }
    func record(peer: String) { _ = peers.withLock { $0.insert(peer) } }
    /// The distinct client addresses echo calls came from.
    var echoPeers: Set<String> { peers.withLock { $0 } }

    /// Waits for the next event.
    func next() async -> String? {
        var iterator = events.makeAsyncIterator()
        return await iterator.next()
    }
}

func makeRouter(_ observations: Observations = Observations()) -> RPCRouter {
    var router = RPCRouter()
    let bytes = IdentitySerializer()
    router.registerUnary(TestMethods.echo, deserializer: bytes, serializer: bytes) { request, context in
        observations.record(peer: context.remotePeer)
        return ServerResponse(message: request.message)
    }
    router.registerUnary(TestMethods.fail, deserializer: bytes, serializer: bytes) { request, _ -> ServerResponse<[UInt8]> in
        var metadata: Metadata = ["x-error-detail": "detail value"]
        metadata.addBinary([0x00, 0xFF, 0x10, 0x80], forKey: "x-error-detail-bin")
        throw RPCError(code: .notFound, message: awkwardMessage, metadata: metadata)
    }
    router.registerUnary(TestMethods.metadata, deserializer: bytes, serializer: bytes) { request, _ in
        observations.record(request.metadata)
        var headers: Metadata = ["x-initial": "initial value"]
        headers.addBinary([1, 2, 3, 0xFE], forKey: "x-initial-bin")
        var trailers: Metadata = ["x-trailer": "trailer value"]
        trailers.addBinary([0xFF, 0x00, 0x80], forKey: "x-trailer-bin")
        return ServerResponse(message: request.message, metadata: headers, trailers: trailers)
    }
    // Registered raw so that it records "started" before reading the request: under load the
    // deadline may pass before the handler gets to run, and the test still sees both events.
    router.register(TestMethods.wait) { _, _ in
        observations.record("started")
        do {
            try await Task.sleep(for: .seconds(60))
        } catch {
            observations.record("cancelled")
            throw error
        }
        return StreamingServerResponse(message: [])
    }
    router.registerServerStreaming(TestMethods.count, deserializer: bytes, serializer: bytes) { request, writer, _ in
        let count = Int(request.message.first ?? 0)
        for index in 0..<count { try await writer.write([UInt8(index)]) }
        return ["x-count": "\(count)"]
    }
    router.registerServerStreaming(TestMethods.countThenFail, deserializer: bytes, serializer: bytes) { request, writer, _ -> Metadata in
        try await writer.write([1])
        try await writer.write([2])
        throw RPCError(code: .dataLoss, message: "lost after two", metadata: ["x-why": "testing"])
    }
    // Writes 512 messages of 64 KiB as fast as the transport lets it, counting them.
    router.registerServerStreaming(TestMethods.flood, deserializer: bytes, serializer: bytes) { _, writer, _ -> Metadata in
        let chunk = [UInt8](repeating: 0x5A, count: 64 * 1024)
        for index in 0..<512 {
            try await writer.write([UInt8(index & 0xFF)] + chunk)
            observations.recordWrite()
        }
        return [:]
    }
    router.registerStreaming(TestMethods.concat, deserializer: bytes, serializer: bytes) { messages, _, writer, _ in
        var all: [UInt8] = []
        for try await message in messages { all += message }
        try await writer.write(all)
        return [:]
    }
    router.registerStreaming(TestMethods.bidi, deserializer: bytes, serializer: bytes) { messages, _, writer, _ in
        do {
            for try await message in messages { try await writer.write(message) }
        } catch {
            observations.record("bidi failed")
            throw error
        }
        return [:]
    }
    return router
}

/// A server on 127.0.0.1 with a system-chosen port.
struct TestServer {
    let transport: HTTP2ServerTransport
    let target: HTTP2Target
    let serving: Task<Void, any Error>

    static func start(
        router: RPCRouter = makeRouter(), configuration: HTTP2ServerTransport.Configuration = .defaults
    ) async throws -> TestServer {
        let transport = try HTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: 0), configuration: configuration)
        let server = RPCServer(transport: transport, router: router)
        let serving = Task { try await server.serve() }
        let target = try await transport.listeningAddress()
        return TestServer(transport: transport, target: target, serving: serving)
    }

    var port: Int {
        if case .ipv4(_, let port) = target { return port }
        return 0
    }

    func stop() async throws {
        transport.beginGracefulShutdown()
        try await serving.value
    }
}

/// Runs `body` with a server and a client connected to it, then closes both.
func withServerAndClient(
    router: RPCRouter = makeRouter(),
    serverConfiguration: HTTP2ServerTransport.Configuration = .defaults,
    clientConfiguration: HTTP2ClientTransport.Configuration = .defaults,
    _ body: (RPCClient<HTTP2ClientTransport>, TestServer) async throws -> Void
) async throws {
    let server = try await TestServer.start(router: router, configuration: serverConfiguration)
    let client = RPCClient(transport: try HTTP2ClientTransport(target: server.target, configuration: clientConfiguration))
    do {
        try await body(client, server)
    } catch {
        await client.close()
        try? await server.stop()
        throw error
    }
    await client.close()
    try await server.stop()
}

/// Makes a unary call and returns its error, failing the test if it succeeded.
func unaryError(
    _ client: RPCClient<HTTP2ClientTransport>, _ method: MethodDescriptor, _ message: [UInt8] = [],
    metadata: Metadata = [:], options: CallOptions = .defaults
) async -> RPCError? {
    do {
        _ = try await client.unary(request: ClientRequest(message: message, metadata: metadata), descriptor: method, options: options)
        Issue.record("expected \(method) to fail")
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        Issue.record("expected an RPCError, got \(error)")
        return nil
    }
}

/// A blocking TCP connection for sending hand-made bytes (tests only).
final class RawConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw RPCError(code: .unavailable, message: "raw connect to port \(port) failed: errno \(errno)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the peer closes (returns true) or 5 s pass without data (returns false).
    func readUntilClosed() -> (bytes: [UInt8], closed: Bool) {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { all += buffer[0..<count]; continue }
            if count == 0 { return (all, true) }
            if errno == EINTR { continue }
            return (all, errno == ECONNRESET)
        }
    }

    /// Reads HTTP/2 frames until one of `type` on `stream` arrives; returns its payload.
    func readFrame(type: UInt8, stream: UInt32) -> [UInt8]? {
        var buffered: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            while buffered.count >= 9 {
                let length = Int(buffered[0]) << 16 | Int(buffered[1]) << 8 | Int(buffered[2])
                guard buffered.count >= 9 + length else { break }
                let frameType = buffered[3]
                let streamID = (UInt32(buffered[5]) << 24 | UInt32(buffered[6]) << 16 | UInt32(buffered[7]) << 8 | UInt32(buffered[8])) & 0x7FFF_FFFF
                let payload = Array(buffered[9..<(9 + length)])
                buffered.removeFirst(9 + length)
                if frameType == type && streamID == stream { return payload }
            }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { buffered += buffer[0..<count] } else if count < 0 && errno == EINTR { continue } else { return nil }
        }
    }
}

/// Hand-built HTTP/2 frames.
enum RawHTTP2 {
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    static func frame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags,
                UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)] + payload
    }

    static let emptySettings = frame(type: 4, flags: 0, stream: 0, payload: [])

    /// HPACK "literal header field without indexing, new name", no Huffman (short strings only).
    static func headerBlock(_ fields: [(String, String)]) -> [UInt8] {
        var block: [UInt8] = []
        for (name, value) in fields {
            block.append(0x00)
            block.append(UInt8(name.utf8.count)); block += Array(name.utf8)
            block.append(UInt8(value.utf8.count)); block += Array(value.utf8)
        }
        return block
    }

    /// A HEADERS frame (END_HEADERS, and END_STREAM if asked).
    static func headers(stream: UInt32, endStream: Bool, _ fields: [(String, String)]) -> [UInt8] {
        frame(type: 1, flags: endStream ? 0x5 : 0x4, stream: stream, payload: headerBlock(fields))
    }

    /// The `:status` of a response header block: enough HPACK for nghttp2's encoding of it
    /// (indexed or literal with an indexed name, value not Huffman-coded).
    static func status(inHeaderBlock block: [UInt8]) -> String? {
        let staticStatuses: [Int: String] = [8: "200", 9: "204", 10: "206", 11: "304", 12: "400", 13: "404", 14: "500"]
        guard let first = block.first else { return nil }
        if first & 0x80 != 0 { return staticStatuses[Int(first & 0x7F)] }
        let nameIndex: Int
        switch first {
        case 0x40...0x7F: nameIndex = Int(first & 0x3F)
        case 0x00...0x1F: nameIndex = Int(first & 0x0F)
        default: return nil
        }
        guard (8...14).contains(nameIndex), block.count >= 2, block[1] & 0x80 == 0 else { return nil }
        let length = Int(block[1] & 0x7F)
        guard block.count >= 2 + length else { return nil }
        return String(decoding: block[2..<(2 + length)], as: UTF8.self)
    }
}

/// A listening TCP socket on 127.0.0.1 with a port the system picked, for hand-written servers.
func makeLoopbackListener() throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            Glibc.bind(fd, pointer, length) == 0 && Glibc.listen(fd, 4) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else {
        close(fd)
        throw RPCError(code: .internal, message: "test listener could not bind: errno \(errno)")
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

/// Accepts one TCP connection, reads a little, and closes it: a server that dies mid-call.
final class DyingServer: Sendable {
    let port: Int
    private let fd: Int32

    init() throws {
        (fd, port) = try makeLoopbackListener()
        let listener = fd
        // A plain thread: blocking accept/read must not run on the cooperative pool.
        Thread.detachNewThread {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 1024)
            _ = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            close(client)
        }
    }

    deinit { close(fd) }
}
