import Testing
@testable import RPCCore

@Suite("GRPCTimeout")
struct GRPCTimeoutTests {
    @Test(arguments: [
        (Duration.nanoseconds(1), "1n"),
        (.nanoseconds(99_999_999), "99999999n"),
        (.nanoseconds(100_000_000), "100000u"),
        (.nanoseconds(100_000_001), "100001u"),
        (.nanoseconds(100_000_999), "100001u"),
        (.microseconds(99_999_999), "99999999u"),
        (.microseconds(100_000_000), "100000m"),
        (.milliseconds(1), "1000000n"),
        (.milliseconds(250), "250000u"),
        (.milliseconds(99_999_999), "99999999m"),
        (.milliseconds(100_000_000), "100000S"),
        (.seconds(1), "1000000u"),
        (.seconds(30), "30000000u"),
        (.seconds(100), "100000m"),
        (.seconds(99_999_999), "99999999S"),
        (.seconds(100_000_000), "1666667M"),
        (.seconds(60 * 99_999_999), "99999999M"),
        (.seconds(60 * 100_000_000), "1666667H"),
        (.seconds(3600 * 99_999_999), "99999999H"),
    ])
    func encode(_ duration: Duration, _ expected: String) {
        #expect(GRPCTimeout.encode(duration) == expected)
    }

    @Test func encodeRoundsUpSubNanosecond() {
        #expect(GRPCTimeout.encode(.nanoseconds(1) / 2) == "1n")
        #expect(GRPCTimeout.encode(.nanoseconds(3) / 2) == "2n")
    }

    @Test func encodeRoundsUpIntoCoarserUnits() {
        // 99,999,000,001 µs needs milliseconds; rounded up.
        #expect(GRPCTimeout.encode(.seconds(99_999) + .nanoseconds(1)) == "99999001m")
        #expect(GRPCTimeout.encode(.seconds(100_000) + .nanoseconds(1)) == "100001S")
        // 100,000,000 s and a nanosecond: minutes, rounded up.
        #expect(GRPCTimeout.encode(.seconds(100_000_000) + .nanoseconds(1)) == "1666667M")
        #expect(GRPCTimeout.encode(.seconds(6_000_000_000) + .nanoseconds(1)) == "1666667H")
    }

    @Test func encodeVeryLargeDurations() {
        // Beyond Int64.max nanoseconds (~292 years): must not saturate to a smaller value.
        #expect(GRPCTimeout.encode(.seconds(3600 * 5_000_000)) == "5000000H")
        #expect(GRPCTimeout.encode(.seconds(3600 * 99_999_999) + .nanoseconds(1)) == "99999999H")
        #expect(GRPCTimeout.encode(.seconds(3600 * 100_000_000)) == "99999999H")
        #expect(GRPCTimeout.encode(.seconds(Int64.max)) == "99999999H")
    }

    @Test func encodeZeroOrNegative() {
        #expect(GRPCTimeout.encode(.zero) == "1n")
        #expect(GRPCTimeout.encode(.seconds(-5)) == "1n")
        #expect(GRPCTimeout.encode(.zero - .nanoseconds(1) / 2) == "1n")
    }

    @Test(arguments: [
        ("1H", Duration.seconds(3600)),
        ("2M", .seconds(120)),
        ("3S", .seconds(3)),
        ("4m", .milliseconds(4)),
        ("5u", .microseconds(5)),
        ("6n", .nanoseconds(6)),
        ("0n", .zero),
        ("99999999H", .seconds(3600 * 99_999_999)),
        ("99999999n", .nanoseconds(99_999_999)),
        ("00000001S", .seconds(1)),
        ("100000u", .milliseconds(100)),
    ])
    func decode(_ text: String, _ expected: Duration) throws {
        #expect(try GRPCTimeout.decode(text) == expected)
    }

    @Test func roundTripsEncodedValues() throws {
        for duration: Duration in [.nanoseconds(1), .nanoseconds(123_456_789), .seconds(42), .seconds(86_400 * 400)] {
            let decoded = try GRPCTimeout.decode(GRPCTimeout.encode(duration))
            #expect(decoded >= duration)
        }
    }

    @Test(arguments: [
        ("", "expected 1 to 8 digits followed by a unit (H, M, S, m, u, n)"),
        ("S", "expected 1 to 8 digits followed by a unit (H, M, S, m, u, n)"),
        ("10", "unknown unit '0' (expected H, M, S, m, u or n)"),
        ("10s", "unknown unit 's' (expected H, M, S, m, u or n)"),
        ("10x", "unknown unit 'x' (expected H, M, S, m, u or n)"),
        ("123456789S", "more than 8 digits"),
        ("1a0S", "'a' is not a digit"),
        ("-1S", "'-' is not a digit"),
        ("+1S", "'+' is not a digit"),
        (" 1S", "' ' is not a digit"),
        ("1 S", "' ' is not a digit"),
        ("1S ", "unknown unit ' ' (expected H, M, S, m, u or n)"),
        ("1.5S", "'.' is not a digit"),
    ])
    func decodeRejectsMalformed(_ text: String, _ reason: String) {
        #expect(throws: GRPCTimeout.ParseError(value: text, reason: reason)) { try GRPCTimeout.decode(text) }
    }

    @Test func parseErrorDescription() {
        let error = GRPCTimeout.ParseError(value: "1x", reason: "unknown unit 'x' (expected H, M, S, m, u or n)")
        #expect(error.description == "invalid grpc-timeout '1x': unknown unit 'x' (expected H, M, S, m, u or n)")
    }
}
