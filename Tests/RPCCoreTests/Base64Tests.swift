import Testing
@testable import RPCCore

@Suite("Base64")
struct Base64Tests {
    // RFC 4648 test vectors, unpadded and padded.
    static let vectors: [(String, String, String)] = [
        ("", "", ""),
        ("f", "Zg", "Zg=="),
        ("fo", "Zm8", "Zm8="),
        ("foo", "Zm9v", "Zm9v"),
        ("foob", "Zm9vYg", "Zm9vYg=="),
        ("fooba", "Zm9vYmE", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
    ]

    @Test func encodesUnpadded() {
        for (plain, unpadded, _) in Self.vectors {
            #expect(Base64.encode(Array(plain.utf8)) == unpadded)
        }
    }

    @Test func decodesPaddedAndUnpadded() {
        for (plain, unpadded, padded) in Self.vectors {
            #expect(Base64.decode(unpadded) == Array(plain.utf8))
            #expect(Base64.decode(padded) == Array(plain.utf8))
        }
    }

    @Test func allByteValuesRoundTrip() {
        let bytes = (0...255).map { UInt8($0) }
        for length in 0...bytes.count {
            let slice = Array(bytes[..<length])
            #expect(Base64.decode(Base64.encode(slice)) == slice)
        }
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8")
    }

    @Test(arguments: [
        "Z",          // a single character cannot encode a byte
        "Zm9vY",      // 4n + 1 characters
        "Zm9v!A",     // outside the alphabet
        "Zm 9v",      // space
        "Zm==Zm",     // padding in the middle
        "Zg===",      // too much padding
        "Zm8==",      // padding beyond the group of four
        "Zm9v=",      // padding after a full group
        "Zg=",        // padding that does not complete the group
        "Zm9v-_",     // the URL-safe alphabet is not base64
        "é",          // non-ASCII
    ])
    func rejectsInvalid(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
