/// A type-erased, sendable async sequence: the message streams of requests and responses.
///
/// ```swift
/// let messages = RPCAsyncSequence<[UInt8]>.elements([[1, 2], [3]])
/// for try await message in messages { print(message) }
/// ```
public struct RPCAsyncSequence<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = any Error

    private let makeIterator: @Sendable () -> AsyncIterator

    /// Wraps any sendable async sequence.
    public init<Base: AsyncSequence & Sendable>(wrapping base: Base) where Base.Element == Element {
        makeIterator = {
            let box = IteratorBox(base.makeAsyncIterator())
            return AsyncIterator { try await box.next() }
        }
    }

    /// A sequence whose iterator calls `next` for each element; `nil` ends it.
    /// The closure is made afresh for each iterator by `makeNext`.
    public init(makeNext: @escaping @Sendable () -> (() async throws -> Element?)) {
        makeIterator = { AsyncIterator(makeNext()) }
    }

    /// A sequence of the given elements.
    public static func elements(_ elements: [Element]) -> RPCAsyncSequence<Element> {
        // A value-type sequence: making it allocates nothing, each iterator one box.
        RPCAsyncSequence(wrapping: ArraySequence(elements: elements))
    }

    /// A sequence that yields nothing.
    public static var empty: RPCAsyncSequence<Element> { .elements([]) }

    /// A sequence that throws `error` on the first call to `next`.
    public static func failing(_ error: any Error) -> RPCAsyncSequence<Element> {
        RPCAsyncSequence(makeNext: { { throw error } })
    }

    public func makeAsyncIterator() -> AsyncIterator { makeIterator() }

    /// The iterator; call `next()` from one task at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private let nextElement: () async throws -> Element?

        init(_ next: @escaping () async throws -> Element?) { nextElement = next }

        public mutating func next() async throws -> Element? { try await nextElement() }
    }
}

/// The elements of an array as an async sequence, for ``RPCAsyncSequence/elements(_:)``.
private struct ArraySequence<Element: Sendable>: AsyncSequence, Sendable {
    typealias Failure = any Error
    let elements: [Element]

    func makeAsyncIterator() -> Iterator { Iterator(elements: elements) }

    struct Iterator: AsyncIteratorProtocol {
        let elements: [Element]
        var index = 0

        mutating func next() async throws -> Element? {
            guard index < elements.count else { return nil }
            defer { index += 1 }
            return elements[index]
        }
    }
}

/// Holds a base iterator so that a closure can advance it.
private final class IteratorBox<Base: AsyncIteratorProtocol> {
    var base: Base
    init(_ base: Base) { self.base = base }
    func next() async throws -> Base.Element? { try await base.next() }
}

/// Writes the elements of a stream, such as the request messages of a call.
public struct RPCWriter<Element: Sendable>: Sendable {
    private let writeElement: @Sendable (Element) async throws -> Void

    /// Creates a writer that hands each element to `write`.
    public init(_ write: @escaping @Sendable (Element) async throws -> Void) {
        writeElement = write
    }

    /// Writes one element; suspends while the other side cannot take more (backpressure).
    public func write(_ element: Element) async throws {
        try await writeElement(element)
    }

    /// Writes each element in order.
    public func write(contentsOf elements: some Sequence<Element>) async throws {
        for element in elements { try await writeElement(element) }
    }
}
