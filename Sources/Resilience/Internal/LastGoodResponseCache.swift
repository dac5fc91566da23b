import RPCCore
import Synchronization

/// The last good response per request, bounded by entry count (oldest stored evicted first) and
/// age (checked on lookup against the breaker-style elapsed time the caller passes in).
final class LastGoodResponseCache: Sendable {
    struct Key: Hashable, Sendable {
        var method: String
        /// Per varying key, its values in order: the metadata values themselves (not their
        /// descriptions, which are lossy for binary values), so that no two different requests
        /// share a key.
        var metadata: [[Metadata.Value]]
        var messages: [[UInt8]]
    }

    struct Entry: Sendable {
        var metadata: Metadata
        var parts: [ResponsePart]
        var storedAt: Duration
        var sequence: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Keys in the order they were stored; an item is stale when its sequence no longer
        /// matches the entry's (the key was stored again or removed).
        var order: [(key: Key, sequence: UInt64)] = []
        var head = 0
        var nextSequence: UInt64 = 0
    }

    let maxAge: Duration
    let maxEntries: Int
    let varyingMetadataKeys: [String]
    private let state = Mutex(State())

    init(maxAge: Duration, maxEntries: Int, varyingMetadataKeys: [String]) {
        self.maxAge = maxAge
        self.maxEntries = maxEntries
        self.varyingMetadataKeys = varyingMetadataKeys.map { $0.lowercased() }
    }

    func key(method: String, metadata: Metadata, messages: [[UInt8]]) -> Key {
        let values = varyingMetadataKeys.map { key in metadata[key] }
        return Key(method: method, metadata: values, messages: messages)
    }

    func store(_ key: Key, metadata: Metadata, parts: [ResponsePart], at now: Duration) {
        state.withLock { state in
            state.nextSequence += 1
            let sequence = state.nextSequence
            state.entries[key] = Entry(metadata: metadata, parts: parts, storedAt: now, sequence: sequence)
            state.order.append((key, sequence))
            while state.entries.count > maxEntries, state.head < state.order.count {
                let oldest = state.order[state.head]
                state.head += 1
                if state.entries[oldest.key]?.sequence == oldest.sequence { state.entries[oldest.key] = nil }
            }
            // Drop stale queue items once they make up half the queue: amortised O(1).
            if state.head > 0, state.head * 2 >= state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
                state.order.removeAll { state.entries[$0.key]?.sequence != $0.sequence }
            }
        }
    }

    /// The entry for `key` if it is at most `maxAge` old; an older one is removed.
    func lookup(_ key: Key, at now: Duration) -> Entry? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard now - entry.storedAt <= maxAge else {
                state.entries[key] = nil
                return nil
            }
            return entry
        }
    }

    var count: Int { state.withLock { $0.entries.count } }
}
