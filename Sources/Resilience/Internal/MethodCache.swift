import RPCCore

/// What a registry has resolved per method, with the last method looked up in front: a client
/// calling one method again and again (the usual case) compares two strings instead of hashing
/// them. Entries are never removed, so none goes stale.
struct MethodCache<Value> {
    private var lastDescriptor: MethodDescriptor?
    private var lastValue: Value?
    private var all: [MethodDescriptor: Value] = [:]

    mutating func value(for descriptor: MethodDescriptor) -> Value? {
        if let lastValue, lastDescriptor == descriptor { return lastValue }
        guard let value = all[descriptor] else { return nil }
        lastDescriptor = descriptor
        lastValue = value
        return value
    }

    mutating func store(_ value: Value, for descriptor: MethodDescriptor) {
        all[descriptor] = value
        lastDescriptor = descriptor
        lastValue = value
    }
}
