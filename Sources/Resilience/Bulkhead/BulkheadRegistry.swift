import RPCCore
import Synchronization

/// Bulkheads by name, made on first use: one per method (or per service) of a target. Safe under
/// concurrent first use: every caller of a name gets the same bulkhead.
///
/// Configurations are looked up by the most specific key: `service/method`, then `service`,
/// then the default.
///
/// ```swift
/// let registry = BulkheadRegistry(
///     defaultConfiguration: try .init(maxConcurrentCalls: 16),
///     configurations: ["catalog.v1.Catalog/Search": try .init(maxConcurrentCalls: 4, maxWait: .zero)]
/// )
/// let interceptor = BulkheadInterceptor(registry: registry)
/// registry.bulkhead(for: search).metrics   // the same bulkhead the interceptor uses
/// ```
public final class BulkheadRegistry: Sendable {
    /// The scope of the bulkheads made for descriptors.
    public let scope: Scope
    /// The configuration for names without a specific one.
    public let defaultConfiguration: Bulkhead.Configuration
    /// Configurations by `service/method` or `service`.
    public let configurations: [String: Bulkhead.Configuration]

    private let clock: any Clock<Duration>
    private let bulkheads = Mutex<[String: Bulkhead]>([:])
    /// The bulkheads already resolved per method: the per-call lookup then builds no name
    /// string (bulkheads are never removed, so an entry never goes stale).
    private let byMethod = MethodCache<Bulkhead>()

    /// Creates an empty registry.
    ///
    /// - Parameters:
    ///   - defaultConfiguration: For names without a specific configuration.
    ///   - scope: One bulkhead per method (the default) or per service.
    ///   - configurations: Per `service/method` or `service`.
    ///   - clock: Shared by every bulkhead; inject a manual clock in tests.
    public init(
        defaultConfiguration: Bulkhead.Configuration = .default,
        scope: Scope = .method,
        configurations: [String: Bulkhead.Configuration] = [:],
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.defaultConfiguration = defaultConfiguration
        self.scope = scope
        self.configurations = configurations
        self.clock = clock
    }

    /// The bulkhead for a method, by the registry's scope.
    public func bulkhead(for descriptor: MethodDescriptor) -> Bulkhead {
        byMethod.value(for: descriptor) {
            switch scope {
            case .method: bulkhead(named: descriptor.description, service: descriptor.service)
            case .service: bulkhead(named: descriptor.service, service: descriptor.service)
            }
        }
    }

    /// The bulkhead with this name, made on first use.
    public func bulkhead(named name: String) -> Bulkhead {
        bulkhead(named: name, service: nil)
    }

    /// Every bulkhead made so far, by name.
    public var all: [String: Bulkhead] { bulkheads.withLock { $0 } }

    private func bulkhead(named name: String, service: String?) -> Bulkhead {
        bulkheads.withLock { bulkheads in
            if let bulkhead = bulkheads[name] { return bulkhead }
            let configuration = configurations[name] ?? service.flatMap { configurations[$0] } ?? defaultConfiguration
            let bulkhead = Bulkhead(name: name, configuration: configuration, clock: clock)
            bulkheads[name] = bulkhead
            return bulkhead
        }
    }
}
