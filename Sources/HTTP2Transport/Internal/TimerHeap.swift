/// A min-heap of one-shot timers, owned by one event loop thread.
struct TimerHeap {
    typealias ID = UInt64

    private struct Entry {
        var deadline: ContinuousClock.Instant
        var id: ID
    }

    private var heap: [Entry] = []
    private var bodies: [ID: () -> Void] = [:]
    private var nextID: ID = 1

    mutating func schedule(at deadline: ContinuousClock.Instant, _ body: @escaping () -> Void) -> ID {
        let id = nextID
        nextID += 1
        bodies[id] = body
        heap.append(Entry(deadline: deadline, id: id))
        siftUp(heap.count - 1)
        return id
    }

    /// Cancelled entries stay in the heap and are skipped when due: cheaper than removal.
    mutating func cancel(_ id: ID) {
        bodies[id] = nil
    }

    /// The epoll timeout: -1 when no timer is pending, else milliseconds rounded up.
    mutating func millisecondsUntilNext(now: ContinuousClock.Instant) -> Int32 {
        while let first = heap.first, bodies[first.id] == nil { popFirst() }
        guard let first = heap.first else { return -1 }
        let remaining = now.duration(to: first.deadline)
        if remaining <= .zero { return 0 }
        let (seconds, attoseconds) = remaining.components
        let millis = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: millis)
    }

    /// Removes and returns every timer whose deadline has passed. The caller runs them, outside
    /// this heap's mutation, because they may schedule or cancel timers.
    mutating func popDue(now: ContinuousClock.Instant) -> [() -> Void] {
        var due: [() -> Void] = []
        while let first = heap.first, first.deadline <= now {
            popFirst()
            if let body = bodies.removeValue(forKey: first.id) { due.append(body) }
        }
        return due
    }

    private mutating func popFirst() {
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
    }

    private mutating func siftUp(_ index: Int) {
        var child = index
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ index: Int) {
        var parent = index
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count && heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
