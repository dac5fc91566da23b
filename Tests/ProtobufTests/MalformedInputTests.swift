import ExampleServices
import Protobuf
import Testing

/// Decodes `bytes` as `M`, expecting a `ProtobufDecodingError`, and returns it.
private func decodingError<M: ProtobufMessage>(_ type: M.Type, _ bytes: [UInt8]) throws -> ProtobufDecodingError {
    do {
        let message = try M(serializedBytes: bytes)
        Issue.record("decoded \(bytes) as \(message) but expected an error")
        throw CancellationError()
    } catch let error as ProtobufDecodingError {
        return error
    }
}

@Suite("malformed input")
struct MalformedInputTests {
    @Test("a truncated varint names the byte, the field and the message")
    func truncatedVarint() throws {
        let error = try decodingError(Echo_V1_EchoResponse.self, [0x0A, 0x01, 0x61, 0x10, 0x80, 0x80])
        #expect(error.reason == .truncatedVarint)
        #expect(error.offset == 4)
        #expect(error.fieldNumber == 2)
        #expect(error.messageName == "echo.v1.EchoResponse")
        #expect(error.description == "truncated varint at byte 4 of field 2 in echo.v1.EchoResponse")
        // A tag cut short: no field yet.
        let tagError = try decodingError(Echo_V1_EchoResponse.self, [0x80])
        #expect(tagError.reason == .truncatedVarint)
        #expect(tagError.fieldNumber == nil)
        #expect(tagError.description == "truncated varint at byte 0 in echo.v1.EchoResponse")
    }

    @Test("a varint longer than ten bytes is an error")
    func overlongVarint() throws {
        let bytes: [UInt8] = [0x10] + [UInt8](repeating: 0xFF, count: 10) + [0x01]
        let error = try decodingError(Echo_V1_EchoResponse.self, bytes)
        #expect(error.reason == .varintTooLong)
        #expect(error.offset == 1)
        #expect(error.description == "varint longer than 10 bytes at byte 1 of field 2 in echo.v1.EchoResponse")
    }

    @Test("a length past the end is an error, also inside a nested message")
    func lengthPastEnd() throws {
        let error = try decodingError(Echo_V1_EchoRequest.self, [0x0A, 0x05, 0x68])
        #expect(error.reason == .lengthPastEnd(length: 5, remaining: 1))
        #expect(error.description == "length 5 runs past the end of the input (1 byte left) at byte 1 of field 1 in echo.v1.EchoRequest")
        // Dimensions (field 9) is 3 bytes long but its double needs 8: the error is inside it.
        let nested = try decodingError(Catalog_V1_Product.self, [0x0A, 0x01, 0x78, 0x4A, 0x03, 0x09, 0x00, 0x00])
        #expect(nested.reason == .truncatedFixed(width: 8))
        #expect(nested.messageName == "catalog.v1.Product.Dimensions")
        #expect(nested.fieldNumber == 1)
        #expect(nested.offset == 6)
        // A huge length does not allocate or overflow.
        let huge = try decodingError(Echo_V1_EchoRequest.self, [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        #expect(huge.reason == .lengthPastEnd(length: .max, remaining: 0))
    }

    @Test("invalid wire types, field numbers and end-groups are errors")
    func badTags() throws {
        #expect(try decodingError(Echo_V1_EchoRequest.self, [0x0E, 0x00]).reason == .invalidWireType(6))
        #expect(try decodingError(Echo_V1_EchoRequest.self, [0x0F]).reason == .invalidWireType(7))
        #expect(try decodingError(Echo_V1_EchoRequest.self, [0x00, 0x00]).reason == .invalidFieldNumber(0))
        #expect(try decodingError(Echo_V1_EchoRequest.self, [0xF8, 0xFF, 0xFF, 0xFF, 0x7F, 0x00]).reason == .invalidFieldNumber(4_294_967_295))
        #expect(try decodingError(Echo_V1_EchoRequest.self, [0x0C]).reason == .unmatchedEndGroup)
        #expect(try decodingError(Echo_V1_EchoRequest.self, [0x13, 0x08, 0x01]).reason == .truncatedGroup)
        #expect(try decodingError(Echo_V1_EchoRequest.self, [0x13, 0x1C]).reason == .unmatchedEndGroup)
    }

    @Test("a known field with the wrong wire type is an error")
    func wireTypeMismatch() throws {
        let error = try decodingError(Echo_V1_EchoRequest.self, [0x08, 0x01])
        #expect(error.reason == .wireTypeMismatch(expected: .lengthDelimited, actual: .varint))
        #expect(error.description == "wire type varint where length-delimited was expected at byte 0 of field 1 in echo.v1.EchoRequest")
        let packedTruncated = try decodingError(WireTest_Scalars.self, [0x9A, 0x01, 0x03, 1, 0, 0])
        #expect(packedTruncated.reason == .truncatedFixed(width: 4))
    }

    @Test("invalid UTF-8 in a string field is an error")
    func invalidUTF8() throws {
        let error = try decodingError(Echo_V1_EchoRequest.self, [0x0A, 0x02, 0xC3, 0x28])
        #expect(error.reason == .invalidUTF8)
        #expect(error.description == "invalid UTF-8 in a string at byte 1 of field 1 in echo.v1.EchoRequest")
        // Overlong encodings, UTF-16 surrogates, a lone continuation byte, a cut-off sequence.
        for bad: [UInt8] in [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0x80], [0xE2, 0x98], [0xF4, 0x90, 0x80, 0x80]] {
            let bytes: [UInt8] = [0x0A, UInt8(bad.count)] + bad
            #expect(try decodingError(Echo_V1_EchoRequest.self, bytes).reason == .invalidUTF8, "\(bad)")
        }
        // Map keys are checked too, and the error says it is inside a map entry.
        let mapError = try decodingError(Catalog_V1_Product.self, [0x3A, 0x04, 0x0A, 0x02, 0xC3, 0x28])
        #expect(mapError.reason == .invalidUTF8)
        #expect(mapError.description == "invalid UTF-8 in a string at byte 3 of field 1 in catalog.v1.Product map entry of field 7")
    }

    @Test("deeply nested messages and groups fail with an error, not a stack overflow")
    func deepNesting() throws {
        // 100,000 levels of Node.children: each level is tag 0x12 and the length of the rest.
        let bytes = nestedNodes(depth: 100_000)
        let error = try decodingError(WireTest_Node.self, bytes)
        #expect(error.reason == .nestingTooDeep(limit: 100))
        #expect(error.messageName == "wiretest.v1.Node")
        // 100 levels are fine.
        let ok = nestedNodes(depth: 100)
        #expect(throws: Never.self) { try WireTest_Node(serializedBytes: ok) }
        // Unknown groups nested 100,000 deep.
        let groups = [UInt8](repeating: 0x13, count: 100_000) + [UInt8](repeating: 0x14, count: 100_000)
        #expect(try decodingError(Echo_V1_EchoRequest.self, groups).reason == .nestingTooDeep(limit: 100))
    }

    @Test("thousands of random and mutated byte strings give a value or an error, never a crash")
    func fuzz() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        let valid = CatalogService.sampleProducts.map { $0.serializedBytes() } + compatibilitySamples.map(\.encoded)
        var errors = 0
        for round in 0..<6_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                bytes = valid[Int.random(in: 0..<valid.count, using: &generator)]
                for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                    case 1: bytes.removeSubrange(index...)
                    default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                    }
                }
            }
            for decode in decoders {
                do {
                    // Whatever decodes must re-encode stably.
                    _ = try decode(bytes)
                } catch is ProtobufDecodingError {
                    errors += 1
                }
            }
        }
        #expect(errors > 0)
    }

    private var decoders: [([UInt8]) throws -> Bool] {
        [
            { bytes in try roundTrips(Catalog_V1_Product.self, bytes) },
            { bytes in try roundTrips(Catalog_V1_GetRecommendationsResponse.self, bytes) },
            { bytes in try roundTrips(WireTest_Scalars.self, bytes) },
            { bytes in try roundTrips(WireTest_Node.self, bytes) },
            { bytes in try roundTrips(Echo_V1_EchoResponse.self, bytes) },
        ]
    }
}

/// Decodes, re-encodes and decodes again, checking the encoding is stable (encodings are compared
/// rather than messages, since a NaN float is not equal to itself).
private func roundTrips<M: ProtobufMessage>(_ type: M.Type, _ bytes: [UInt8]) throws -> Bool {
    let message = try M(serializedBytes: bytes)
    let encoded = message.serializedBytes()
    let again = try M(serializedBytes: encoded)
    #expect(again.serializedBytes() == encoded, "re-encoding \(bytes) as \(M.protoMessageName) is not stable")
    return true
}

/// `depth` nested `Node.children` fields, the innermost empty, built in linear time.
private func nestedNodes(depth: Int) -> [UInt8] {
    var lengths = [0]  // lengths[k]: the size of the message nested k levels from the inside
    for level in 1...depth {
        var header = ProtobufWriter()
        header.writeTag(field: 2, wireType: .lengthDelimited)
        header.writeVarint(UInt64(lengths[level - 1]))
        lengths.append(header.bytes.count + lengths[level - 1])
    }
    var writer = ProtobufWriter()
    for level in stride(from: depth, through: 1, by: -1) {
        writer.writeTag(field: 2, wireType: .lengthDelimited)
        writer.writeVarint(UInt64(lengths[level - 1]))
    }
    return writer.bytes
}

/// A small deterministic generator (SplitMix64) so failures can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
