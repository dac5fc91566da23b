import RPCCore
import Synchronization

/// Circuit breakers by name, made on first use: one per method (or per service) of a target.
/// Safe under concurrent first use: every caller of a name gets the same breaker.
///
/// Configurations are looked up by the most specific key: `service/method`, then `service`,
/// then the default.
///
/// ```swift
/// let registry = CircuitBreakerRegistry(
///     defaultConfiguration: .default,
///     configurations: ["catalog.v1.Catalog/Search": try .init(failureRateThreshold: 0.8)]
/// )
/// let interceptor = CircuitBreakerInterceptor(registry: registry)
/// registry.breaker(for: getProduct).metrics   // the same breaker the interceptor uses
/// ```
public final class CircuitBreakerRegistry: Sendable {
    /// The scope of the breakers made for descriptors.
    public let scope: Scope
    /// The configuration for names without a specific one.
    public let defaultConfiguration: CircuitBreaker.Configuration
    /// Configurations by `service/method` or `service`.
    public let configurations: [String: CircuitBreaker.Configuration]

    private let clock: any Clock<Duration>
    private let onStateChange: (@Sendable (CircuitBreaker.StateChange) -> Void)?
    private let random: @Sendable () -> Double
    private let breakers = Mutex<[String: CircuitBreaker]>([:])
    /// The breakers already resolved for a method without a target: the per-call lookup then
    /// builds no name string (breakers are never removed, so an entry never goes stale).
    private let byMethod = MethodCache<CircuitBreaker>()

    /// Creates an empty registry.
    ///
    /// - Parameters:
    ///   - defaultConfiguration: For names without a specific configuration.
    ///   - scope: One breaker per method (the default) or per service.
    ///   - configurations: Per `service/method` or `service`.
    ///   - clock: Shared by every breaker; inject a manual clock in tests.
    ///   - onStateChange: Called for every transition of every breaker, outside locks.
    ///   - random: The breakers' source of open-duration jitter, a value in `0..<1`; default:
    ///     the system random number generator.
    public init(
        defaultConfiguration: CircuitBreaker.Configuration = .default,
        scope: Scope = .method,
        configurations: [String: CircuitBreaker.Configuration] = [:],
        clock: any Clock<Duration> = ContinuousClock(),
        onStateChange: (@Sendable (CircuitBreaker.StateChange) -> Void)? = nil,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.defaultConfiguration = defaultConfiguration
        self.scope = scope
        self.configurations = configurations
        self.clock = clock
        self.onStateChange = onStateChange
        self.random = random
    }

    /// The breaker for a method, by the registry's scope.
    public func breaker(for descriptor: MethodDescriptor) -> CircuitBreaker {
        breaker(for: descriptor, target: nil)
    }

    /// The breaker for a method of one target (server address or service name), by the
    /// registry's scope: named `target/service/method` (or `target/service`), so one registry
    /// can serve clients of several targets and each target trips on its own. Configurations
    /// are still looked up by `service/method`, then `service` (a key with the target prefix
    /// wins when present).
    public func breaker(for descriptor: MethodDescriptor, target: String?) -> CircuitBreaker {
        guard let target, !target.isEmpty else {
            return byMethod.value(for: descriptor) { resolve(descriptor, target: nil) }
        }
        return resolve(descriptor, target: target)
    }

    private func resolve(_ descriptor: MethodDescriptor, target: String?) -> CircuitBreaker {
        let key = switch scope {
        case .method: descriptor.description
        case .service: descriptor.service
        }
        guard let target, !target.isEmpty else {
            return breaker(named: key, lookup: [key, descriptor.service])
        }
        let name = "\(target)/\(key)"
        return breaker(named: name, lookup: [name, key, descriptor.service])
    }

    /// The breaker with this name, made on first use.
    public func breaker(named name: String) -> CircuitBreaker {
        breaker(named: name, lookup: [name])
    }

    /// Every breaker made so far, by name.
    public var all: [String: CircuitBreaker] { breakers.withLock { $0 } }

    /// The breaker `name`, made on first use with the first configuration found under `lookup`.
    private func breaker(named name: String, lookup: [String]) -> CircuitBreaker {
        breakers.withLock { breakers in
            if let breaker = breakers[name] { return breaker }
            let configuration = lookup.lazy.compactMap { self.configurations[$0] }.first ?? defaultConfiguration
            let breaker = CircuitBreaker(name: name, configuration: configuration, clock: clock, onStateChange: onStateChange, random: random)
            breakers[name] = breaker
            return breaker
        }
    }
}
