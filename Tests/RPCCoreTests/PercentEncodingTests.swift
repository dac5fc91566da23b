import Testing
@testable import RPCCore

@Suite("PercentEncoding")
struct PercentEncodingTests {
    static let specialStatusMessage = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"

    @Test func interopSpecialStatusMessageRoundTrips() {
        let encoded = PercentEncoding.encode(Self.specialStatusMessage)
        #expect(encoded == "%09%0Atest with whitespace%0D%0Aand Unicode BMP %E2%98%BA and non-BMP %F0%9F%98%88%09%0A")
        #expect(PercentEncoding.decode(encoded) == Self.specialStatusMessage)
    }

    @Test func printableASCIIPassesThrough() {
        let printable = String(decoding: (0x20...0x7E).filter { $0 != UInt8(ascii: "%") }, as: UTF8.self)
        #expect(PercentEncoding.encode(printable) == printable)
        #expect(PercentEncoding.decode(printable) == printable)
    }

    @Test func percentIsEncoded() {
        #expect(PercentEncoding.encode("100%") == "100%25")
        #expect(PercentEncoding.encode("%25") == "%2525")
        #expect(PercentEncoding.decode("100%25") == "100%")
        #expect(PercentEncoding.decode(PercentEncoding.encode("%25")) == "%25")
    }

    @Test func controlAndHighBytesAreEncoded() {
        #expect(PercentEncoding.encode("\u{0}\u{1F}\u{7F}") == "%00%1F%7F")
        #expect(PercentEncoding.encode("é") == "%C3%A9")
        #expect(PercentEncoding.encode("") == "")
    }

    @Test func decodeAcceptsLowercaseHex() {
        #expect(PercentEncoding.decode("%c3%a9") == "é")
    }

    @Test(arguments: [
        ("%zz", "%zz"),
        ("%4", "%4"),
        ("%", "%"),
        ("abc%", "abc%"),
        ("%%41", "%A"),
        ("%4g", "%4g"),
        ("a%2", "a%2"),
        ("%G1x", "%G1x"),
    ])
    func decodePassesBadEscapesThrough(_ input: String, _ expected: String) {
        #expect(PercentEncoding.decode(input) == expected)
    }

    @Test func decodeRepairsInvalidUTF8() {
        #expect(PercentEncoding.decode("a%FFb") == "a\u{FFFD}b")
        #expect(PercentEncoding.decode("%E2%98") == "\u{FFFD}")
    }
}
