import Testing
import RPCCore

@Suite("StreamingClientResponse.onEnd")
struct StreamingClientResponseOnEndTests {
    @Test func successFiresOnceAtTrailers() async throws {
        let outcomes = Recorder<String>()
        let response = StreamingClientResponse(metadata: ["h": "1"], message: [1, 2], trailers: ["t": "2"])
            .onEnd { outcomes.record($0.summary) }
        #expect(outcomes.all.isEmpty)
        let contents = try response.accepted.get()
        #expect(contents.metadata == ["h": "1"])
        var iterator = contents.bodyParts.makeAsyncIterator()
        #expect(try await iterator.next()?.messageBytes == [1, 2])
        #expect(outcomes.all.isEmpty)
        #expect(try await iterator.next()?.trailerMetadata == ["t": "2"])
        #expect(outcomes.all == ["success [t: 2]"])
        #expect(try await iterator.next() == nil)
        #expect(outcomes.all == ["success [t: 2]"])
    }

    @Test func endWithoutTrailersIsSuccessWithEmptyTrailers() async throws {
        let outcomes = Recorder<String>()
        let response = StreamingClientResponse(accepted: .success(.init(bodyParts: .elements([.message([1])]))))
            .onEnd { outcomes.record($0.summary) }
        _ = try await drain(try response.accepted.get().bodyParts)
        #expect(outcomes.all == ["success []"])
    }

    @Test func failureFiresOnceOnThrownError() async throws {
        let outcomes = Recorder<String>()
        let failing = RPCAsyncSequence<ResponsePart>(makeNext: {
            var sent = false
            return {
                if !sent { sent = true; return .message([9]) }
                throw RPCError(code: .unavailable, message: "connection lost")
            }
        })
        let response = StreamingClientResponse(accepted: .success(.init(bodyParts: failing)))
            .onEnd { outcomes.record($0.summary) }
        var iterator = try response.accepted.get().bodyParts.makeAsyncIterator()
        #expect(try await iterator.next()?.messageBytes == [9])
        await #expect(throws: RPCError.self) { try await iterator.next() }
        #expect(outcomes.all == ["failure UNAVAILABLE: connection lost"])
        await #expect(throws: RPCError.self) { try await iterator.next() }
        #expect(outcomes.all == ["failure UNAVAILABLE: connection lost"])
    }

    @Test func nonRPCErrorsAreConverted() async throws {
        let outcomes = Recorder<String>()
        let response = StreamingClientResponse(accepted: .success(.init(bodyParts: .failing(CancellationError()))))
            .onEnd { outcomes.record($0.summary) }
        await #expect(throws: CancellationError.self) { try await drain(try response.accepted.get().bodyParts) }
        #expect(outcomes.all == ["failure CANCELLED: the call was cancelled"])
    }

    @Test func acceptedFailureFiresImmediately() {
        let outcomes = Recorder<String>()
        let response = StreamingClientResponse(error: RPCError(code: .unavailable, message: "refused"))
            .onEnd { outcomes.record($0.summary) }
        #expect(outcomes.all == ["failure UNAVAILABLE: refused"])
        if case .failure(let error) = response.accepted {
            #expect(error.code == .unavailable)
        } else {
            Issue.record("expected a failure")
        }
    }

    @Test func droppedUnfinishedIsAbandoned() async throws {
        let outcomes = Recorder<String>()
        do {
            let response = StreamingClientResponse(metadata: [:], message: [1], trailers: [:])
                .onEnd { outcomes.record($0.summary) }
            var iterator = try response.accepted.get().bodyParts.makeAsyncIterator()
            #expect(try await iterator.next()?.messageBytes == [1])
            #expect(outcomes.all.isEmpty)
        }
        #expect(outcomes.all == ["abandoned"])
    }

    @Test func droppedUnreadIsAbandoned() {
        let outcomes = Recorder<String>()
        do {
            _ = StreamingClientResponse(metadata: [:], message: [1], trailers: [:])
                .onEnd { outcomes.record($0.summary) }
        }
        #expect(outcomes.all == ["abandoned"])
    }

    @Test func layeredObserversSeeTheEndInnermostFirst() async throws {
        let outcomes = Recorder<String>()
        let response = StreamingClientResponse(metadata: [:], message: [1], trailers: ["t": "1"])
            .onEnd { outcomes.record("inner \($0.summary)") }
            .onEnd { outcomes.record("middle \($0.summary)") }
            .onEnd { outcomes.record("outer \($0.summary)") }
        _ = try await drain(try response.accepted.get().bodyParts)
        #expect(outcomes.all == ["inner success [t: 1]", "middle success [t: 1]", "outer success [t: 1]"])
    }

    @Test func layeredObserversSeeAFailureOnceEach() async throws {
        let outcomes = Recorder<String>()
        let failing = StreamingClientResponse(accepted: .success(.init(
            bodyParts: .failing(RPCError(code: .unavailable, message: "lost"))
        )))
        let response = failing
            .onEnd { outcomes.record("inner \($0.summary)") }
            .onEnd { outcomes.record("outer \($0.summary)") }
        var iterator = try response.accepted.get().bodyParts.makeAsyncIterator()
        await #expect(throws: RPCError.self) { try await iterator.next() }
        await #expect(throws: RPCError.self) { try await iterator.next() }
        #expect(outcomes.all == ["inner failure UNAVAILABLE: lost", "outer failure UNAVAILABLE: lost"])
    }

    @Test func layeredObserversDroppedAreAbandonedOutermostFirst() {
        let outcomes = Recorder<String>()
        do {
            _ = StreamingClientResponse(metadata: [:], message: [1], trailers: [:])
                .onEnd { outcomes.record("inner \($0.summary)") }
                .onEnd { outcomes.record("outer \($0.summary)") }
        }
        #expect(outcomes.all == ["outer abandoned", "inner abandoned"])
    }

    @Test func iteratingAnInnerBodyReportsOnlyToItsObservers() async throws {
        let outcomes = Recorder<String>()
        let inner = StreamingClientResponse(metadata: [:], message: [1], trailers: [:])
            .onEnd { outcomes.record("inner \($0.summary)") }
        do {
            let outer = inner.onEnd { outcomes.record("outer \($0.summary)") }
            // A second observer of the same response sees only what its own body does.
            _ = try await drain(try inner.accepted.get().bodyParts)
            #expect(outcomes.all == ["inner success []"])
            _ = outer
        }
        #expect(outcomes.all == ["inner success []", "outer abandoned"])
    }

    @Test func metadataOfResponse() {
        #expect(StreamingClientResponse(metadata: ["a": "1"], message: []).metadata == ["a": "1"])
        #expect(StreamingClientResponse(error: RPCError(code: .aborted, message: "", metadata: ["e": "2"])).metadata == ["e": "2"])
    }
}
