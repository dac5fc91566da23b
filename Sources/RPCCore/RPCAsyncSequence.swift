/// A type-erased, sendable async sequence: the message streams of requests and responses.
///
/// ```swift
/// let messages = RPCAsyncSequence<[UInt8]>.elements([[1, 2], [3]])
/// for try await message in messages { print(message) }
/// ```
public struct RPCAsyncSequence<Element: Sendable>: AsyncSequence, Sendable {
    public typealias Failure = any Error

    /// Where the elements come from. An array needs no closure and no box: the bodies of
    /// prebuilt responses (fallbacks, test doubles) iterate without allocating.
    @usableFromInline
    enum Source: Sendable {
        case elements([Element])
        case iterators(@Sendable () -> (() async throws -> Element?))
    }

    @usableFromInline let source: Source
    /// The observers of a response body's end (``StreamingClientResponse/onEnd(_:)``), outermost
    /// first: one small object per observer instead of a wrapping sequence per layer.
    @usableFromInline let endObservation: EndObservation?

    @usableFromInline
    init(source: Source, endObservation: EndObservation?) {
        self.source = source
        self.endObservation = endObservation
    }

    /// Wraps any sendable async sequence.
    public init<Base: AsyncSequence & Sendable>(wrapping base: Base) where Base.Element == Element {
        if let sequence = base as? RPCAsyncSequence<Element> {
            self = sequence
            return
        }
        self.init(source: .iterators({
            let box = IteratorBox(base.makeAsyncIterator())
            return { try await box.next() }
        }), endObservation: nil)
    }

    /// A sequence whose iterator calls `next` for each element; `nil` ends it.
    /// The closure is made afresh for each iterator by `makeNext`.
    public init(makeNext: @escaping @Sendable () -> (() async throws -> Element?)) {
        self.init(source: .iterators(makeNext), endObservation: nil)
    }

    /// A sequence of the given elements.
    @inlinable
    public static func elements(_ elements: [Element]) -> RPCAsyncSequence<Element> {
        RPCAsyncSequence(source: .elements(elements), endObservation: nil)
    }

    /// A sequence that yields nothing.
    @inlinable
    public static var empty: RPCAsyncSequence<Element> { .elements([]) }

    /// A sequence that throws `error` on the first call to `next`.
    public static func failing(_ error: any Error) -> RPCAsyncSequence<Element> {
        RPCAsyncSequence(makeNext: { { throw error } })
    }

    @inlinable
    public func makeAsyncIterator() -> AsyncIterator {
        switch source {
        case .elements(let elements): AsyncIterator(elements: elements, next: nil, endObservation: endObservation)
        case .iterators(let make): AsyncIterator(elements: [], next: make(), endObservation: endObservation)
        }
    }

    /// The iterator; call `next()` from one task at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline var elements: [Element]
        @usableFromInline var index = 0
        @usableFromInline let nextElement: (() async throws -> Element?)?
        @usableFromInline let endObservation: EndObservation?

        @inlinable
        init(elements: [Element], next: (() async throws -> Element?)?, endObservation: EndObservation?) {
            self.elements = elements
            self.nextElement = next
            self.endObservation = endObservation
        }

        @inlinable
        public mutating func next() async throws -> Element? {
            guard let endObservation else { return try await nextUnobserved() }
            let element: Element?
            do {
                element = try await nextUnobserved()
            } catch {
                endObservation.observer.report(.failure(RPCError(from: error)))
                throw error
            }
            if let outcome = endObservation.outcome(element) { endObservation.observer.report(outcome) }
            return element
        }

        @inlinable
        mutating func nextUnobserved() async throws -> Element? {
            if let nextElement { return try await nextElement() }
            guard index < elements.count else { return nil }
            defer { index += 1 }
            return elements[index]
        }
    }

    /// The end observers of a response body, and what an element (or the end: `nil`) means for
    /// them: an outcome that ends the call, or `nil` to keep going.
    @usableFromInline
    struct EndObservation: Sendable {
        @usableFromInline let observer: CallEndObserver
        @usableFromInline let outcome: @Sendable (Element?) -> CallOutcome?

        @usableFromInline
        init(observer: CallEndObserver, outcome: @escaping @Sendable (Element?) -> CallOutcome?) {
            self.observer = observer
            self.outcome = outcome
        }
    }
}

extension RPCAsyncSequence where Element == ResponsePart {
    /// This body with `body` added as the outermost observer of its end.
    func observingEnd(_ body: @escaping @Sendable (CallOutcome) -> Void) -> RPCAsyncSequence<ResponsePart> {
        observing(CallEndObserver(body, inner: endObservation?.observer))
    }

    /// This body with `observer` (of hooks, not yet shared) as the outermost observer of its end.
    func observingEnd(_ observer: CallEndObserver) -> RPCAsyncSequence<ResponsePart> {
        observer.attach(inner: endObservation?.observer)
        return observing(observer)
    }

    private func observing(_ observer: CallEndObserver) -> RPCAsyncSequence<ResponsePart> {
        RPCAsyncSequence(source: source, endObservation: EndObservation(observer: observer, outcome: { part in
            switch part {
            case .trailers(let trailers)?: .success(trailers: trailers)
            case nil: .success(trailers: [:])
            case .message?: nil
            }
        }))
    }
}

extension RPCAsyncSequence {
    /// The elements of a sequence made from an array (``elements(_:)``), observed or not: what
    /// iterating it yields, without a copy. `nil` for any other sequence.
    package var elementsInMemory: [Element]? {
        if case .elements(let elements) = source { return elements }
        return nil
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
