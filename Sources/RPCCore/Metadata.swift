/// Request or response metadata: an ordered list of key-value pairs in which a key may repeat.
///
/// Keys are lowercased. Keys ending in `-bin` hold binary values (sent base64-encoded); other keys
/// hold printable ASCII strings. Keys starting with `grpc-` are reserved for the library.
///
/// ```swift
/// var metadata: Metadata = ["x-request-id": "42"]
/// metadata.addString("gold", forKey: "x-tier")
/// metadata.addBinary([0xde, 0xad], forKey: "trace-bin")
/// metadata.firstString(forKey: "x-tier")   // "gold"
/// ```
public struct Metadata: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// A metadata value: a string, or bytes for `-bin` keys.
    public enum Value: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
        case string(String)
        case binary([UInt8])

        public init(stringLiteral value: String) { self = .string(value) }

        public var description: String {
            switch self {
            case .string(let s): return s
            case .binary(let b): return "<\(b.count) bytes>"
            }
        }
    }

    /// One key-value pair.
    public struct Element: Sendable, Hashable {
        /// The key, lowercase.
        public var key: String
        /// The value.
        public var value: Value

        /// Creates a pair; the key is lowercased.
        public init(key: String, value: Value) {
            self.key = key.lowercased()
            self.value = value
        }
    }

    private var elements: [Element]

    /// Creates empty metadata.
    public init() { elements = [] }

    public init(dictionaryLiteral pairs: (String, Value)...) {
        elements = []
        elements.reserveCapacity(pairs.count)
        for (key, value) in pairs { add(value, forKey: key) }
    }

    /// The number of pairs.
    public var count: Int { elements.count }
    /// Whether there are no pairs.
    public var isEmpty: Bool { elements.isEmpty }

    public func makeIterator() -> IndexingIterator<[Element]> { elements.makeIterator() }

    /// Makes room for `minimumCapacity` pairs, so that adding them grows the storage once.
    package mutating func reserveCapacity(_ minimumCapacity: Int) {
        elements.reserveCapacity(minimumCapacity)
    }

    /// Appends a string value.
    public mutating func addString(_ value: String, forKey key: String) {
        elements.append(Element(key: key.lowercased(), value: .string(value)))
    }

    /// Appends a binary value; the key should end in `-bin`.
    public mutating func addBinary(_ value: [UInt8], forKey key: String) {
        elements.append(Element(key: key.lowercased(), value: .binary(value)))
    }

    /// Appends a value of either kind.
    public mutating func add(_ value: Value, forKey key: String) {
        elements.append(Element(key: key.lowercased(), value: value))
    }

    /// Appends every pair of `other`.
    public mutating func add(contentsOf other: Metadata) {
        elements.append(contentsOf: other.elements)
    }

    /// Removes every value for `key`, then adds `value`.
    public mutating func replaceOrAddString(_ value: String, forKey key: String) {
        removeAllValues(forKey: key)
        addString(value, forKey: key)
    }

    /// Removes every value for `key`.
    public mutating func removeAllValues(forKey key: String) {
        let key = key.lowercased()
        elements.removeAll { $0.key == key }
    }

    /// All values for `key`, in order.
    public subscript(key: String) -> [Value] {
        let key = key.lowercased()
        return elements.filter { $0.key == key }.map(\.value)
    }

    /// All string values for `key`, in order (binary values are skipped).
    public subscript(stringValues key: String) -> [String] {
        self[key].compactMap { if case .string(let s) = $0 { s } else { nil } }
    }

    /// All binary values for `key`, in order (string values are skipped).
    public subscript(binaryValues key: String) -> [[UInt8]] {
        self[key].compactMap { if case .binary(let b) = $0 { b } else { nil } }
    }

    /// The first string value for `key`.
    public func firstString(forKey key: String) -> String? {
        let key = key.lowercased()
        for element in elements where element.key == key {
            if case .string(let s) = element.value { return s }
        }
        return nil
    }

    /// Whether any value exists for `key`.
    public func contains(key: String) -> Bool {
        let key = key.lowercased()
        return elements.contains { $0.key == key }
    }

    public var description: String {
        "[" + elements.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "]"
    }
}
