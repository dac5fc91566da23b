import ExampleServices
import Foundation
import Glibc
import HTTP2Transport
import ProtobufRPC
import RPCCore
import Synchronization

/// `benchmarks serve-echo [--port 0] [--max-streams N]`: the Swift server the benchmarks measure,
/// in its own process. Serves `echo.v1.Echo` (the example service) and two methods of its own,
/// prints `PORT <n>` once listening, and exits when its standard input closes.
///
/// - `bench.v1.Bench/Sleep`: waits the request text's milliseconds, then echoes the text (a slow
///   callee, for the fail-fast benchmark).
/// - `bench.v1.Bench/Gather`: waits until as many calls as the request text says are inside it
///   at once (or 30 s pass), then answers with that count: proves the calls were concurrent.
enum ServeMode {
    static let sleep = MethodDescriptor(service: "bench.v1.Bench", method: "Sleep")
    static let gather = MethodDescriptor(service: "bench.v1.Bench", method: "Gather")

    static func run(_ arguments: [String]) async throws {
        raiseOpenFileLimit()
        var port = 0
        var maxStreams = 1000
        var index = 0
        while index < arguments.count {
            let value = index + 1 < arguments.count ? Int(arguments[index + 1]) : nil
            switch (arguments[index], value) {
            case ("--port", let value?): port = value
            case ("--max-streams", let value?): maxStreams = value
            default: throw BenchmarkFailure("serve-echo: unknown or incomplete argument \(arguments[index])")
            }
            index += 2
        }
        var configuration = HTTP2ServerTransport.Configuration.defaults
        configuration.maxConcurrentStreams = maxStreams
        let transport = try HTTP2ServerTransport(address: .ipv4(host: "127.0.0.1", port: port), configuration: configuration)
        var router = RPCRouter()
        EchoService().registerMethods(with: &router)
        let gathering = Gathering()
        router.registerUnary(
            sleep, deserializer: ProtobufDeserializer<Echo_V1_EchoRequest>(), serializer: ProtobufSerializer<Echo_V1_EchoResponse>()
        ) { request, _ in
            try await Task.sleep(for: .milliseconds(Int(request.message.text) ?? 0))
            return ServerResponse(message: Echo_V1_EchoResponse(text: request.message.text))
        }
        router.registerUnary(
            gather, deserializer: ProtobufDeserializer<Echo_V1_EchoRequest>(), serializer: ProtobufSerializer<Echo_V1_EchoResponse>()
        ) { request, _ in
            let reached = await gathering.arrive(until: Int(request.message.text) ?? 1)
            return ServerResponse(message: Echo_V1_EchoResponse(text: String(reached)))
        }
        let server = RPCServer(transport: transport, router: router)

        // Exit when the parent closes our standard input (or dies).
        Thread {
            var byte: UInt8 = 0
            while read(0, &byte, 1) > 0 {}
            exit(0)
        }.start()

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.serve() }
            let bound = try await transport.listeningAddress()
            guard case .ipv4(_, let boundPort) = bound else { throw BenchmarkFailure("serve-echo bound \(bound)") }
            emitLine("PORT \(boundPort)")
            try await group.waitForAll()
        }
    }
}

/// A barrier for `Gather`: callers wait until `target` of them are inside, or 30 s pass after
/// the first arrived (one watchdog per round, so waiting costs no task per call).
final class Gathering: Sendable {
    private struct State {
        var inside = 0
        var round = 0
        var waiters: [CheckedContinuation<Int, Never>] = []
    }
    private let state = Mutex(State())

    func arrive(until target: Int) async -> Int {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let (release, count, watchRound): ([CheckedContinuation<Int, Never>], Int, Int?) = state.withLock { state in
                state.inside += 1
                state.waiters.append(continuation)
                let firstOfRound = state.inside == 1 ? state.round : nil
                guard state.inside >= target else { return ([], 0, firstOfRound) }
                let count = state.inside
                state.inside = 0
                return (Self.endRound(&state), count, firstOfRound)
            }
            for waiter in release { waiter.resume(returning: count) }
            if let watchRound {
                Task {
                    try await Task.sleep(for: .seconds(30))
                    self.release(round: watchRound)
                }
            }
        }
    }

    private static func endRound(_ state: inout State) -> [CheckedContinuation<Int, Never>] {
        let waiters = state.waiters
        state.waiters = []
        state.round += 1
        return waiters
    }

    private func release(round: Int) {
        let (waiters, count): ([CheckedContinuation<Int, Never>], Int) = state.withLock { state in
            guard state.round == round else { return ([], 0) }
            let count = state.inside
            let waiters = Self.endRound(&state)
            state.inside = 0
            return (waiters, count)
        }
        for waiter in waiters { waiter.resume(returning: count) }
    }
}
