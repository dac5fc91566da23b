@testable import HTTP2Transport
import RPCCore
import Testing

@Suite("HTTP2Transport internals")
struct InternalsTests {
    @Test func timerHeapFiresInDeadlineOrderAndSkipsCancelled() {
        final class Log { var fired: [Int] = [] }
        let log = Log()
        var heap = TimerHeap()
        let start = ContinuousClock.now
        var ids: [TimerHeap.ID] = []
        for offset in [30, 10, 20, 40] {
            ids.append(heap.schedule(at: start + .milliseconds(offset)) { log.fired.append(offset) })
        }
        heap.cancel(ids[2])
        #expect(heap.millisecondsUntilNext(now: start) == 10)
        for body in heap.popDue(now: start + .milliseconds(35)) { body() }
        #expect(log.fired == [10, 30])
        #expect(heap.millisecondsUntilNext(now: start + .milliseconds(35)) == 5)
        for body in heap.popDue(now: start + .milliseconds(50)) { body() }
        #expect(log.fired == [10, 30, 40])
        #expect(heap.millisecondsUntilNext(now: start) == -1)
    }

    @Test func headerCodecDropsTransportOwnedKeysAndEncodesBinary() throws {
        var metadata: Metadata = ["x-a": "1", "content-type": "text/plain", "te": "x", "grpc-timeout": "1S", "grpc-previous-rpc-attempts": "1"]
        metadata.addBinary([0xFF, 0x00], forKey: "x-b-bin")
        let fields = try HeaderCodec.fields(from: metadata)
        #expect(fields.map(\.0) == ["x-a", "grpc-previous-rpc-attempts", "x-b-bin"])
        #expect(fields.last?.1 == "/wA")
    }

    @Test func headerCodecRejectsInvalidKeysAndValues() {
        #expect(throws: RPCError.self) { try HeaderCodec.fields(from: ["Bad Key": "v"]) }
        #expect(throws: RPCError.self) { try HeaderCodec.fields(from: ["x-a": "line\nbreak"]) }
        var binaryWithoutSuffix = Metadata()
        binaryWithoutSuffix.addBinary([1], forKey: "x-a")
        #expect(throws: RPCError.self) { try HeaderCodec.fields(from: binaryWithoutSuffix) }
    }

    @Test func headerCodecDecodesCommaJoinedBinaryValues() {
        let metadata = HeaderCodec.metadata(from: [
            (":status", "200"), ("content-type", "application/grpc"), ("x-b-bin", "AQI=, Aw"), ("user-agent", "ua"),
            ("grpc-status", "0"), ("x-a", "v"),
        ])
        #expect(metadata[binaryValues: "x-b-bin"] == [[1, 2], [3]])
        #expect(metadata.firstString(forKey: "x-a") == "v")
        #expect(metadata.firstString(forKey: "user-agent") == "ua")
        #expect(!metadata.contains(key: "grpc-status"))
        #expect(!metadata.contains(key: "content-type"))
    }

    @Test func resetCodesMapToStatusCodes() {
        func code(_ reset: UInt32, deadlinePassed: Bool = false) -> Status.Code {
            ResetMapping.error(forResetCode: reset, path: "/a.B/C", peer: "127.0.0.1:1", deadlinePassed: deadlinePassed).code
        }
        #expect(code(7) == .unavailable)
        #expect(code(8) == .cancelled)
        #expect(code(8, deadlinePassed: true) == .deadlineExceeded)
        #expect(code(11) == .resourceExhausted)
        #expect(code(12) == .permissionDenied)
        #expect(code(1) == .internal)
        #expect(code(2) == .internal)
        #expect(code(0) == .internal)
        #expect(ResetMapping.error(forResetCode: 1, path: "/a.B/C", peer: "p", deadlinePassed: false).message.contains("PROTOCOL_ERROR"))
    }

    @Test func outboundBufferReadsInPieces() {
        var buffer = OutboundBuffer()
        buffer.append([1, 2, 3, 4, 5])
        let target = UnsafeMutableRawBufferPointer.allocate(byteCount: 3, alignment: 1)
        defer { target.deallocate() }
        #expect(buffer.read(into: target) == 3)
        #expect(Array(target) == [1, 2, 3])
        buffer.append([6])
        #expect(buffer.read(into: target) == 3)
        #expect(Array(target) == [4, 5, 6])
        #expect(buffer.read(into: target) == 0)
        #expect(buffer.count == 0)
    }
}
