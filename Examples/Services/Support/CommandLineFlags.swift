/// A small `--name value` / `--name=value` / `--switch` parser for the example executables.
///
/// ```swift
/// var flags = try CommandLineFlags(CommandLine.arguments.dropFirst(), known: ["port", "verbose"])
/// let port = try flags.int("port", default: 50051)
/// ```
public struct CommandLineFlags: Sendable {
    /// A flag that is unknown, missing its value, or whose value has the wrong form.
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public var description: String

        public init(description: String) { self.description = description }
    }

    private var values: [String: String] = [:]

    /// Parses `arguments`; throws on a flag not in `known`, naming it and the known ones.
    public init(_ arguments: some Sequence<String>, known: Set<String>, switches: Set<String> = []) throws {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard argument.hasPrefix("--") else {
                throw Error(description: "unexpected argument '\(argument)'; flags look like --name value")
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if switches.contains(name) {
                values[name] = value ?? "true"
                continue
            }
            guard known.contains(name) else {
                let all = (known.union(switches)).sorted().map { "--\($0)" }.joined(separator: ", ")
                throw Error(description: "unknown flag '--\(name)'; known flags: \(all)")
            }
            if value == nil { value = iterator.next() }
            guard let value else { throw Error(description: "flag '--\(name)' needs a value") }
            values[name] = value
        }
    }

    /// Whether a switch or flag was given.
    public func has(_ name: String) -> Bool { values[name] != nil }

    /// A string flag's value.
    public func string(_ name: String, default defaultValue: String) -> String { values[name] ?? defaultValue }

    /// An integer flag's value; throws when it is not an integer.
    public func int(_ name: String, default defaultValue: Int) throws -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text) else { throw Error(description: "flag '--\(name)' expects an integer, got '\(text)'") }
        return value
    }

    /// A duration flag given in seconds; throws unless it is a number within `range`.
    public func seconds(_ name: String, default defaultValue: Double, in range: ClosedRange<Double> = 0...86_400) throws -> Duration {
        let value = try double(name, default: defaultValue)
        guard range.contains(value) else {
            throw Error(description: "flag '--\(name)' must be within \(range.lowerBound)...\(range.upperBound) seconds, got \(value)")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }

    /// A floating-point flag's value; throws when it is not a number.
    public func double(_ name: String, default defaultValue: Double) throws -> Double {
        guard let text = values[name] else { return defaultValue }
        guard let value = Double(text), value.isFinite else {
            throw Error(description: "flag '--\(name)' expects a number, got '\(text)'")
        }
        return value
    }
}
