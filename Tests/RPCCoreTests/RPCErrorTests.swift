import Testing
import RPCCore

private struct BreakerOpen: RPCErrorConvertible {
    var rpcErrorCode: Status.Code { .unavailable }
    var rpcErrorMessage: String { "circuit 'catalog' is open" }
    var rpcErrorMetadata: Metadata { ["retry-after-ms": "500"] }
}

private struct BulkheadFull: RPCErrorConvertible {
    var rpcErrorCode: Status.Code { .resourceExhausted }
    var rpcErrorMessage: String { "bulkhead full" }
}

private struct Plain: Error, CustomStringConvertible {
    var description: String { "plain failure" }
}

@Suite("RPCError")
struct RPCErrorTests {
    @Test func okBecomesUnknown() {
        #expect(RPCError(code: .ok, message: "x").code == .unknown)
        #expect(RPCError(status: .ok).code == .unknown)
    }

    @Test func fromRPCErrorIsUnchanged() {
        let original = RPCError(code: .notFound, message: "no such sku", metadata: ["k": "v"])
        let converted = RPCError(from: original)
        #expect(converted.code == .notFound)
        #expect(converted.message == "no such sku")
        #expect(converted.metadata == ["k": "v"])
        #expect(converted.cause == nil)
    }

    @Test func fromConvertible() {
        let converted = RPCError(from: BreakerOpen())
        #expect(converted.code == .unavailable)
        #expect(converted.message == "circuit 'catalog' is open")
        #expect(converted.metadata == ["retry-after-ms": "500"])
        #expect(converted.cause is BreakerOpen)

        let full = RPCError(from: BulkheadFull())
        #expect(full.code == .resourceExhausted)
        #expect(full.metadata.isEmpty)
    }

    @Test func fromCancellation() {
        let converted = RPCError(from: CancellationError())
        #expect(converted.code == .cancelled)
        #expect(converted.message == "the call was cancelled")
        #expect(converted.cause is CancellationError)
    }

    @Test func fromOtherErrors() {
        let converted = RPCError(from: Plain())
        #expect(converted.code == .unknown)
        #expect(converted.message == "plain failure")
        #expect(converted.cause is Plain)
    }

    @Test func statusAndDescription() {
        let error = RPCError(code: .unavailable, message: "down")
        #expect(error.status == Status(code: .unavailable, message: "down"))
        #expect(error.description == "UNAVAILABLE: down")
        #expect(RPCError(code: .internal, message: "").description == "INTERNAL")
        #expect(RPCError(code: .unknown, message: "m", cause: Plain()).description == "UNKNOWN: m (cause: plain failure)")
        #expect(RPCError(status: Status(code: .aborted, message: "a"), metadata: ["x": "1"]).metadata == ["x": "1"])
    }
}
