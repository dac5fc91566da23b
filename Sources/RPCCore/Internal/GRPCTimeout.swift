/// The `grpc-timeout` header: 1 to 8 ASCII digits then a unit, `H M S m u n`.
package enum GRPCTimeout {
    /// Why a `grpc-timeout` value was rejected.
    package struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        package var value: String
        package var reason: String
        package var description: String { "invalid grpc-timeout '\(value)': \(reason)" }
    }

    private static let units: [(unit: UInt8, nanoseconds: Int64)] = [
        (UInt8(ascii: "n"), 1),
        (UInt8(ascii: "u"), 1_000),
        (UInt8(ascii: "m"), 1_000_000),
        (UInt8(ascii: "S"), 1_000_000_000),
        (UInt8(ascii: "M"), 60_000_000_000),
        (UInt8(ascii: "H"), 3_600_000_000_000),
    ]

    private static let maxValue: Int64 = 99_999_999

    /// Encodes a positive duration, rounding up into the finest unit whose value fits 8 digits.
    /// Durations of zero or less encode as `1n` (callers should fail such a call locally instead);
    /// durations beyond 99,999,999 hours are capped.
    package static func encode(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        guard seconds > 0 || (seconds == 0 && attoseconds > 0) else { return "1n" }
        // Work from whole seconds and attoseconds so that no intermediate value overflows, even
        // for durations far beyond Int64.max nanoseconds (about 292 years).
        for (unit, nanos) in units {
            let value: Int64
            if nanos < 1_000_000_000 {
                let perSecond = 1_000_000_000 / nanos
                guard seconds <= maxValue / perSecond else { continue }
                let attosecondsPerUnit = nanos * 1_000_000_000
                let fraction = (attoseconds + attosecondsPerUnit - 1) / attosecondsPerUnit
                value = seconds * perSecond + fraction
            } else {
                let unitSeconds = nanos / 1_000_000_000
                value = seconds / unitSeconds + (seconds % unitSeconds != 0 || attoseconds > 0 ? 1 : 0)
            }
            if value <= maxValue {
                return String(value) + String(UnicodeScalar(unit))
            }
        }
        return "\(maxValue)H"
    }

    /// Decodes a header value; throws on anything that is not 1 to 8 digits and a known unit.
    package static func decode(_ value: String) throws(ParseError) -> Duration {
        let bytes = Array(value.utf8)
        guard bytes.count >= 2 else {
            throw ParseError(value: value, reason: "expected 1 to 8 digits followed by a unit (H, M, S, m, u, n)")
        }
        guard bytes.count <= 9 else {
            throw ParseError(value: value, reason: "more than 8 digits")
        }
        guard let unit = units.first(where: { $0.unit == bytes.last! }) else {
            throw ParseError(value: value, reason: "unknown unit '\(UnicodeScalar(bytes.last!))' (expected H, M, S, m, u or n)")
        }
        var amount: Int64 = 0
        for byte in bytes.dropLast() {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                throw ParseError(value: value, reason: "'\(UnicodeScalar(byte))' is not a digit")
            }
            amount = amount * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        // Build the duration without overflow: hours and minutes scale whole seconds.
        if unit.nanoseconds >= 1_000_000_000 {
            return .seconds(amount * (unit.nanoseconds / 1_000_000_000))
        }
        return .nanoseconds(amount * unit.nanoseconds)
    }
}
