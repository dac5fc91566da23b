import RPCCore
import Synchronization

/// What a registry has resolved per method, with the last method looked up in front: a client
/// calling one method again and again (the usual case) compares two strings instead of hashing
/// them. Entries are never removed, so none goes stale.
final class MethodCache<Value: Sendable>: Sendable {
    private struct State {
        var lastDescriptor: MethodDescriptor?
        var lastValue: Value?
        var all: [MethodDescriptor: Value] = [:]

        /// Puts `value` in front, for the next lookup of the same method.
        mutating func remember(_ value: Value, for descriptor: MethodDescriptor) {
            lastDescriptor = descriptor
            lastValue = value
        }
    }

    private let state = Mutex(State())

    /// The value for `descriptor`, from `resolve` the first time. `resolve` runs outside the
    /// cache's lock (it takes the registry's own); callers racing on a new method may each run
    /// it, so it must give the same value for the same method.
    func value(for descriptor: MethodDescriptor, resolve: () -> Value) -> Value {
        let cached = state.withLock { state -> Value? in
            if let lastValue = state.lastValue, state.lastDescriptor == descriptor { return lastValue }
            guard let value = state.all[descriptor] else { return nil }
            state.remember(value, for: descriptor)
            return value
        }
        if let cached { return cached }
        let value = resolve()
        state.withLock { state in
            state.all[descriptor] = value
            state.remember(value, for: descriptor)
        }
        return value
    }
}
