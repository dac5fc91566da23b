import Glibc

/// A small `--name value` / `--name=value` / `--switch` parser for the example executables.
///
/// Parsing never stops at the first bad argument: unknown flags, repeated flags, flags without
/// a value and stray arguments are all noted in ``problems``. Read the values with the typed
/// accessors (each throws an ``Error`` naming the flag), collect their errors, and call
/// ``finish(_:)`` to throw one error naming every bad flag. Every message starts with the flag
/// it is about: `--port must be within 0...65535, got 70000`.
///
/// ```swift
/// let flags = CommandLineFlags(CommandLine.arguments.dropFirst(), known: ["port"], switches: ["verbose"])
/// var problems: [String] = []
/// var port = 50051
/// do { port = try flags.int("port", default: 50051, in: 0...65535) } catch { problems.append("\(error)") }
/// try flags.finish(problems)   // throws listing the parse problems, then `problems`
/// ```
public struct CommandLineFlags: Sendable {
    /// A flag that is unknown, repeated, missing its value, or whose value has the wrong form.
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public var description: String

        public init(description: String) { self.description = description }
    }

    private var values: [String: String] = [:]
    private let allNames: [String]
    private var hasUnknownFlag = false

    /// What was wrong with the arguments themselves, in order: unknown flags, repeated flags,
    /// flags without a value, stray arguments. Empty when every argument parsed.
    public private(set) var problems: [String] = []

    /// Parses `arguments` against the `known` value flags and the `switches` (no value; `--name`
    /// or `--name=true`). Problems are noted in ``problems``, not thrown.
    public init(_ arguments: some Sequence<String>, known: Set<String>, switches: Set<String> = []) {
        allNames = known.union(switches).sorted().map { "--\($0)" }
        var remaining = Array(arguments)[...]
        while let argument = remaining.popFirst() {
            guard argument.hasPrefix("--") else {
                problems.append("'\(argument)' is an unexpected argument; flags look like --name value")
                continue
            }
            var name = String(argument.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if switches.contains(name) {
                record(name, value ?? "true", isSwitch: true)
                continue
            }
            // A value never starts with "--": that is the next flag (negative numbers start with one dash).
            let next = remaining.first.flatMap { $0.hasPrefix("--") ? nil : $0 }
            guard known.contains(name) else {
                problems.append("--\(name) is not a known flag")
                hasUnknownFlag = true
                // Skip its value, if it seems to have one, so that it is not reported too.
                if value == nil, next != nil { remaining.removeFirst() }
                continue
            }
            if value == nil, let next {
                value = next
                remaining.removeFirst()
            }
            guard let value else {
                problems.append("--\(name) needs a value")
                continue
            }
            record(name, value)
        }
    }

    private mutating func record(_ name: String, _ value: String, isSwitch: Bool = false) {
        if let earlier = values[name] {
            // Last-wins would hide a mistake: name it instead (once per flag).
            let values = isSwitch ? "" : " ('\(earlier)', then '\(value)')"
            let problem = "--\(name) is given more than once\(values); give it once"
            if !problems.contains(where: { $0.hasPrefix("--\(name) is given more than once") }) { problems.append(problem) }
            return
        }
        values[name] = value
    }

    /// Throws one ``Error`` listing ``problems`` then `more`, a line each, followed by the known
    /// flags when one was unknown; returns when there are none.
    public func finish(_ more: [String] = []) throws(Error) {
        let all = problems + more
        guard !all.isEmpty else { return }
        var text = all.joined(separator: "\n")
        if hasUnknownFlag { text += "\nknown flags: " + allNames.joined(separator: ", ") }
        throw Error(description: text)
    }

    /// Whether a switch or flag was given.
    public func has(_ name: String) -> Bool { values[name] != nil }

    /// A string flag's value.
    public func string(_ name: String, default defaultValue: String) -> String { values[name] ?? defaultValue }

    /// An integer flag's value; throws when it is not an integer.
    public func int(_ name: String, default defaultValue: Int) throws(Error) -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text) else { throw Error(description: "--\(name) expects an integer, got '\(text)'") }
        return value
    }

    /// An integer flag's value; throws when it is not an integer within `range`.
    public func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(Error) -> Int {
        let value = try int(name, default: defaultValue)
        guard range.contains(value) else {
            throw Error(description: "--\(name) must be within \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return value
    }

    /// A random seed: an integer in `0...UInt64.max` (a negative one is an error, not wrapped).
    public func seed(_ name: String = "seed", default defaultValue: UInt64) throws(Error) -> UInt64 {
        guard let text = values[name] else { return defaultValue }
        guard let value = UInt64(text) else {
            let what = Int(text) != nil ? "must be within 0...\(UInt64.max), got \(text)" : "expects an integer in 0...\(UInt64.max), got '\(text)'"
            throw Error(description: "--\(name) \(what)")
        }
        return value
    }

    /// A host to listen on or connect to: an IPv4 or IPv6 literal, or `localhost` (what
    /// HTTP2Target takes); throws for anything else (empty, or a name to look up).
    public func host(_ name: String = "host", default defaultValue: String) throws(Error) -> String {
        guard let text = values[name] else { return defaultValue }
        guard Self.isHostLiteral(text) else {
            throw Error(description: "--\(name) must be an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0, ::1) or localhost, got '\(text)'")
        }
        return text
    }

    /// Whether `text` is `localhost` or an IPv4 / IPv6 address literal.
    static func isHostLiteral(_ text: String) -> Bool {
        if text == "localhost" { return true }
        var buffer = in6_addr()
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }

    /// A duration flag given in seconds; throws unless it is a number within `range`.
    public func seconds(_ name: String, default defaultValue: Double, in range: ClosedRange<Double> = 0...86_400) throws(Error) -> Duration {
        let value = try double(name, default: defaultValue)
        guard range.contains(value) else {
            throw Error(description: "--\(name) must be within \(range.lowerBound)...\(range.upperBound) seconds, got \(value)")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }

    /// A fraction of calls (`--error-rate 0.2`); throws unless it is a number within 0...1.
    public func rate(_ name: String, default defaultValue: Double = 0) throws(Error) -> Double {
        let value = try double(name, default: defaultValue)
        guard (0...1).contains(value) else { throw Error(description: "--\(name) must be within 0...1, got \(value)") }
        return value
    }

    /// A floating-point flag's value; throws when it is not a finite number.
    public func double(_ name: String, default defaultValue: Double) throws(Error) -> Double {
        guard let text = values[name] else { return defaultValue }
        guard let value = Double(text), value.isFinite else {
            throw Error(description: "--\(name) expects a number, got '\(text)'")
        }
        return value
    }
}
