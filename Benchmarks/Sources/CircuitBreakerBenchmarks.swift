import Resilience

/// The circuit breaker's per-call overhead: closed around a no-op, open rejecting, against the
/// bare operation. Goals (issue 3): closed fast path <= 100 ns with 0 allocations beyond the
/// operation; rejection <= 200 ns.
enum CircuitBreakerBenchmarks: BenchmarkSuite {
    static let name = "breaker"

    @inline(never)
    static func noOperation() async throws -> Int { 42 }

    static func closedBreaker() -> CircuitBreaker {
        // The default configuration: a count window of 100, so recording also exercises the ring.
        CircuitBreaker(name: "bench-closed")
    }

    static func openBreaker() -> CircuitBreaker {
        let breaker = CircuitBreaker(name: "bench-open")
        breaker.forceOpen()   // rejects like an open breaker, never turns half-open mid-run
        return breaker
    }

    static func tripBreaker() throws -> CircuitBreaker {
        let configuration = try CircuitBreaker.Configuration(windowSize: 1, minimumCalls: 1, openDuration: .seconds(3600))
        let breaker = CircuitBreaker(name: "bench-tripped", configuration: configuration)
        try breaker.acquirePermission().record(.failure)
        return breaker
    }

    static func run() async throws -> [BenchmarkResult] {
        var results: [BenchmarkResult] = []
        results.append(try await Harness.measure("bare async no-op operation") { blackHole(try await noOperation()) })

        let closed = closedBreaker()
        results.append(try Harness.measure("closed: acquirePermission + record(.success)") {
            let permit = try closed.acquirePermission()
            permit.record(.success)
        })
        results.append(try Harness.measure("closed: acquireScopedPermission + record(.success)") {
            let permit = try closed.acquireScopedPermission()
            permit.record(.success)
        })
        results.append(try await Harness.measure("closed: run { no-op }") {
            blackHole(try await closed.run { try await noOperation() })
        })

        let timed = CircuitBreaker(
            name: "bench-timed", configuration: try CircuitBreaker.Configuration(slidingWindow: .time(.seconds(60), buckets: 60))
        )
        results.append(try await Harness.measure("closed, time window: run { no-op }") {
            blackHole(try await timed.run { try await noOperation() })
        })

        let tripped = try tripBreaker()
        results.append(Harness.measure("open (tripped): acquirePermission rejects") {
            do throws(CircuitBreakerOpenError) {
                _ = try tripped.acquirePermission()
            } catch {
                blackHole(error.retryAfter)
            }
        })
        let forced = openBreaker()
        results.append(Harness.measure("forced open: acquirePermission rejects") {
            do throws(CircuitBreakerOpenError) {
                _ = try forced.acquirePermission()
            } catch {
                blackHole(error.state)
            }
        })
        // `run` rethrows untyped, so the rejection is boxed as `any Error`: one allocation.
        results.append(await Harness.measure("open (tripped): run { no-op } rejects, boxed as any Error") {
            do {
                blackHole(try await tripped.run { try await noOperation() })
            } catch {
                blackHole(error)
            }
        })
        return results
    }
}
