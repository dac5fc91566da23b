import ExampleServices
import Protobuf
import Testing

/// Encodes a single field with `codec` and returns its bytes.
private func encoded<C: ProtobufFieldCodec>(_ codec: C.Type, _ value: C.Value, field: Int = 1) -> [UInt8] {
    var writer = ProtobufWriter()
    writer.write(codec, value, field: field)
    return writer.bytes
}

/// Decodes bytes holding one field with `codec`.
private func decoded<C: ProtobufFieldCodec>(_ codec: C.Type, _ bytes: [UInt8]) throws -> C.Value {
    var reader = ProtobufReader(bytes: bytes, messageName: "test")
    let (number, wireType) = try #require(try reader.nextField())
    #expect(number == 1)
    let value = try reader.read(codec, wireType: wireType)
    #expect(reader.isAtEnd)
    return value
}

@Suite("wire format")
struct WireFormatTests {
    @Test("varints at their boundaries")
    func varintBoundaries() throws {
        let cases: [(UInt64, [UInt8])] = [
            (0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]),
            (16_383, [0xFF, 0x7F]), (16_384, [0x80, 0x80, 0x01]),
            (UInt64(UInt32.max), [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
            (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, bytes) in cases {
            #expect(encoded(ProtobufField.UInt64.self, value) == [0x08] + bytes, "\(value)")
            #expect(try decoded(ProtobufField.UInt64.self, [0x08] + bytes) == value)
        }
    }

    @Test("negative int32 and int64 take ten bytes; int32 keeps the low 32 bits")
    func negativeInts() throws {
        let minusOne: [UInt8] = [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        #expect(encoded(ProtobufField.Int32.self, -1) == minusOne)
        #expect(encoded(ProtobufField.Int64.self, -1) == minusOne)
        #expect(encoded(ProtobufField.Enum<WireTest_Color>.self, .negative) == minusOne)
        #expect(try decoded(ProtobufField.Int32.self, minusOne) == -1)
        #expect(try decoded(ProtobufField.Enum<WireTest_Color>.self, minusOne) == .negative)
        #expect(encoded(ProtobufField.Int32.self, .min) == [0x08, 0x80, 0x80, 0x80, 0x80, 0xF8, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        #expect(try decoded(ProtobufField.Int32.self, encoded(ProtobufField.Int32.self, .min)) == .min)
        #expect(try decoded(ProtobufField.Int64.self, encoded(ProtobufField.Int64.self, .min)) == .min)
        // A 5-byte int32 from an older writer: the high bits are dropped, as protoc does.
        #expect(try decoded(ProtobufField.Int32.self, [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == -1)
        #expect(try decoded(ProtobufField.UInt32.self, [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) == .max)
    }

    @Test("zigzag maps small magnitudes to short varints, extremes round-trip")
    func zigzag() throws {
        let cases32: [(Int32, [UInt8])] = [
            (0, [0x00]), (-1, [0x01]), (1, [0x02]), (-2, [0x03]), (63, [0x7E]), (-64, [0x7F]), (64, [0x80, 0x01]),
            (.max, [0xFE, 0xFF, 0xFF, 0xFF, 0x0F]), (.min, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]),
        ]
        for (value, bytes) in cases32 {
            #expect(encoded(ProtobufField.SInt32.self, value) == [0x08] + bytes, "\(value)")
            #expect(try decoded(ProtobufField.SInt32.self, [0x08] + bytes) == value)
        }
        let cases64: [(Int64, [UInt8])] = [
            (0, [0x00]), (-1, [0x01]), (1, [0x02]),
            (.max, [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
            (.min, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, bytes) in cases64 {
            #expect(encoded(ProtobufField.SInt64.self, value) == [0x08] + bytes, "\(value)")
            #expect(try decoded(ProtobufField.SInt64.self, [0x08] + bytes) == value)
        }
    }

    @Test("fixed-width integers are little-endian")
    func fixedWidth() throws {
        #expect(encoded(ProtobufField.Fixed32.self, 0x0102_0304) == [0x0D, 0x04, 0x03, 0x02, 0x01])
        #expect(encoded(ProtobufField.SFixed32.self, -2) == [0x0D, 0xFE, 0xFF, 0xFF, 0xFF])
        #expect(encoded(ProtobufField.Fixed64.self, 1) == [0x09, 1, 0, 0, 0, 0, 0, 0, 0])
        #expect(encoded(ProtobufField.SFixed64.self, .min) == [0x09, 0, 0, 0, 0, 0, 0, 0, 0x80])
        for value: Int32 in [0, 1, -1, .max, .min] {
            #expect(try decoded(ProtobufField.SFixed32.self, encoded(ProtobufField.SFixed32.self, value)) == value)
        }
        for value: UInt64 in [0, 1, .max, 0x0102_0304_0506_0708] {
            #expect(try decoded(ProtobufField.Fixed64.self, encoded(ProtobufField.Fixed64.self, value)) == value)
        }
    }

    @Test("float and double keep their exact bits")
    func floatingPoint() throws {
        #expect(encoded(ProtobufField.Float.self, 1.0) == [0x0D, 0x00, 0x00, 0x80, 0x3F])
        #expect(encoded(ProtobufField.Double.self, 1.0) == [0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F])
        let floats: [Float] = [0, -0.0, 1.5, .pi, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity, .nan]
        for value in floats {
            #expect(try decoded(ProtobufField.Float.self, encoded(ProtobufField.Float.self, value)).bitPattern == value.bitPattern)
        }
        let doubles: [Double] = [0, -0.0, 1e-300, .pi, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, .nan]
        for value in doubles {
            #expect(try decoded(ProtobufField.Double.self, encoded(ProtobufField.Double.self, value)).bitPattern == value.bitPattern)
        }
    }

    @Test("bool, string and bytes")
    func boolStringBytes() throws {
        #expect(encoded(ProtobufField.Bool.self, true) == [0x08, 0x01])
        #expect(try decoded(ProtobufField.Bool.self, [0x08, 0x02]) == true)
        #expect(try decoded(ProtobufField.Bool.self, [0x08, 0x00]) == false)
        #expect(encoded(ProtobufField.String.self, "hi") == [0x0A, 0x02, 0x68, 0x69])
        #expect(encoded(ProtobufField.String.self, "☺") == [0x0A, 0x03, 0xE2, 0x98, 0xBA])
        #expect(try decoded(ProtobufField.String.self, [0x0A, 0x04, 0xF0, 0x9F, 0x98, 0x88]) == "😈")
        #expect(try decoded(ProtobufField.String.self, [0x0A, 0x00]) == "")
        #expect(encoded(ProtobufField.Bytes.self, [0, 0xFF]) == [0x0A, 0x02, 0x00, 0xFF])
        let long = [UInt8](repeating: 7, count: 300)
        #expect(encoded(ProtobufField.Bytes.self, long).prefix(3) == [0x0A, 0xAC, 0x02])
        #expect(try decoded(ProtobufField.Bytes.self, encoded(ProtobufField.Bytes.self, long)) == long)
    }

    @Test("tags: field numbers from 1 to 2^29-1")
    func tags() throws {
        var writer = ProtobufWriter()
        writer.writeTag(field: 536_870_911, wireType: .fixed32)
        #expect(writer.bytes == [0xFD, 0xFF, 0xFF, 0xFF, 0x0F])
        var message = WireTest_Scalars()
        message.high = 5
        #expect(message.serializedBytes() == [0xF8, 0xFF, 0xFF, 0xFF, 0x0F, 0x05])
        #expect(try WireTest_Scalars(serializedBytes: message.serializedBytes()) == message)
    }

    @Test("proto3 defaults are not written; explicit presence and oneofs are, even at zero")
    func defaults() throws {
        #expect(WireTest_Scalars().serializedBytes() == [])
        var message = WireTest_Scalars()
        message.opt = 0
        #expect(message.serializedBytes() == [0x90, 0x02, 0x00])
        message = WireTest_Scalars()
        message.choice = .oS("")
        #expect(message.serializedBytes() == [0xFA, 0x01, 0x00])
        message = WireTest_Scalars()
        message.child = WireTest_Inner()
        #expect(message.serializedBytes() == [0xD2, 0x01, 0x00])
        message = WireTest_Scalars()
        message.fl = -0.0
        #expect(message.serializedBytes() == [0x5D, 0x00, 0x00, 0x00, 0x80])
    }

    @Test("repeated numeric fields are written packed and read packed or unpacked")
    func packedAndUnpacked() throws {
        var message = WireTest_Scalars()
        message.rI32 = [1, 150, -1]
        let packed: [UInt8] = [0x8A, 0x01, 0x0D, 0x01, 0x96, 0x01] + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        #expect(message.serializedBytes() == packed)
        let unpacked: [UInt8] = [0x88, 0x01, 0x01, 0x88, 0x01, 0x96, 0x01, 0x88, 0x01]
            + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]
        #expect(try WireTest_Scalars(serializedBytes: packed).rI32 == [1, 150, -1])
        #expect(try WireTest_Scalars(serializedBytes: unpacked).rI32 == [1, 150, -1])
        // Both forms mixed, and several packed runs, append in order.
        #expect(try WireTest_Scalars(serializedBytes: packed + unpacked + packed).rI32 == [1, 150, -1, 1, 150, -1, 1, 150, -1])
        // A packed fixed32 run, and a [packed = false] field that arrives packed.
        #expect(try WireTest_Scalars(serializedBytes: [0x9A, 0x01, 0x08, 1, 0, 0, 0, 2, 0, 0, 0]).rF32 == [1, 2])
        #expect(try WireTest_Scalars(serializedBytes: [0xBA, 0x01, 0x02, 0x05, 0x06]).unpackedI64 == [5, 6])
        var unpackedField = WireTest_Scalars()
        unpackedField.unpackedI64 = [5, 6]
        #expect(unpackedField.serializedBytes() == [0xB8, 0x01, 0x05, 0xB8, 0x01, 0x06])
        // An empty packed run adds nothing; no elements writes nothing.
        #expect(try WireTest_Scalars(serializedBytes: [0x8A, 0x01, 0x00]).rI32 == [])
        #expect(WireTest_Scalars().serializedBytes().isEmpty)
    }

    @Test("unknown fields of every wire type are kept and written back after the known fields")
    func unknownFields() throws {
        let unknown: [UInt8] = [
            0xF8, 0x07, 0x2A,                          // field 127 varint 42
            0xF9, 0x07, 1, 2, 3, 4, 5, 6, 7, 8,        // field 127 fixed64
            0xFA, 0x07, 0x02, 0xAA, 0xBB,              // field 127 length-delimited
            0xFD, 0x07, 9, 9, 9, 9,                    // field 127 fixed32
            0xFB, 0x07, 0x08, 0x01, 0xFC, 0x07,        // field 127 group holding field 1 = 1
        ]
        let known: [UInt8] = [0x0A, 0x02, 0x68, 0x69]
        let message = try Echo_V1_EchoRequest(serializedBytes: unknown + known)
        #expect(message.text == "hi")
        #expect(message.unknownFields.bytes == unknown)
        #expect(message.serializedBytes() == known + unknown)
        // Re-decoding the output keeps them again: a stable round trip.
        #expect(try Echo_V1_EchoRequest(serializedBytes: message.serializedBytes()) == message)
    }

    @Test("maps: entries sorted by key, both key and value always written, missing parts default, last wins")
    func maps() throws {
        var message = WireTest_Scalars()
        message.mI32 = [2: "b", -1: "", 1: "a"]
        #expect(message.serializedBytes() == [
            0xE2, 0x01, 0x0D, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x12, 0x00,
            0xE2, 0x01, 0x05, 0x08, 0x01, 0x12, 0x01, 0x61,
            0xE2, 0x01, 0x05, 0x08, 0x02, 0x12, 0x01, 0x62,
        ])
        #expect(try WireTest_Scalars(serializedBytes: message.serializedBytes()) == message)
        // An entry without a key, one without a value, value before key, a duplicate key.
        let bytes: [UInt8] = [
            0xE2, 0x01, 0x03, 0x12, 0x01, 0x7A,        // key missing -> 0: "z"
            0xE2, 0x01, 0x02, 0x08, 0x05,              // value missing -> 5: ""
            0xE2, 0x01, 0x05, 0x12, 0x01, 0x71, 0x08, 0x07, // value first -> 7: "q"
            0xE2, 0x01, 0x05, 0x08, 0x05, 0x12, 0x01, 0x79, // 5 again -> "y"
            0xE2, 0x01, 0x04, 0x08, 0x07, 0x18, 0x01,  // an unknown field inside an entry is dropped
        ]
        let decoded = try WireTest_Scalars(serializedBytes: bytes)
        #expect(decoded.mI32 == [0: "z", 5: "y", 7: ""])
        var messages = WireTest_Scalars()
        messages.mMsg = ["k": WireTest_Inner(a: 1, b: "v"), "e": WireTest_Inner()]
        #expect(try WireTest_Scalars(serializedBytes: messages.serializedBytes()).mMsg == messages.mMsg)
        var bools = WireTest_Scalars()
        bools.mBool = [true: 1, false: -1]
        #expect(bools.serializedBytes() == [0xF2, 0x01, 0x04, 0x08, 0x00, 0x10, 0x01, 0xF2, 0x01, 0x04, 0x08, 0x01, 0x10, 0x02])
    }

    @Test("oneofs: the last member on the wire wins; message members merge")
    func oneofs() throws {
        var message = WireTest_Scalars()
        message.choice = .oI32(5)
        #expect(message.serializedBytes() == [0x80, 0x02, 0x05])
        let both: [UInt8] = [0xFA, 0x01, 0x01, 0x61, 0x80, 0x02, 0x05]
        #expect(try WireTest_Scalars(serializedBytes: both).choice == .oI32(5))
        let reversed: [UInt8] = [0x80, 0x02, 0x05, 0xFA, 0x01, 0x01, 0x61]
        #expect(try WireTest_Scalars(serializedBytes: reversed).choice == .oS("a"))
        let twoHalves: [UInt8] = [0x8A, 0x02, 0x02, 0x08, 0x03, 0x8A, 0x02, 0x03, 0x12, 0x01, 0x62]
        #expect(try WireTest_Scalars(serializedBytes: twoHalves).choice == .oMsg(WireTest_Inner(a: 3, b: "b")))
        var product = Catalog_V1_Product()
        product.discountPercent = -3
        #expect(product.serializedBytes() == [0x50, 0x05])
        #expect(product.couponCode == "")
        product.couponCode = "X"
        #expect(product.discountPercent == 0)
        #expect(try Catalog_V1_Product(serializedBytes: product.serializedBytes()).promotion == .couponCode("X"))
    }

    @Test("nested messages: written with their length, merged when repeated")
    func nested() throws {
        var message = WireTest_Scalars()
        message.child = WireTest_Inner(a: 1, b: "x")
        message.children = [WireTest_Inner(a: 2), WireTest_Inner()]
        #expect(message.serializedBytes() == [
            0xD2, 0x01, 0x05, 0x08, 0x01, 0x12, 0x01, 0x78,
            0xDA, 0x01, 0x02, 0x08, 0x02,
            0xDA, 0x01, 0x00,
        ])
        #expect(try WireTest_Scalars(serializedBytes: message.serializedBytes()) == message)
        // A singular message field seen twice merges: a from the first, b from the second.
        let merged = try WireTest_Scalars(serializedBytes: [0xD2, 0x01, 0x02, 0x08, 0x01, 0xD2, 0x01, 0x03, 0x12, 0x01, 0x79])
        #expect(merged.child == WireTest_Inner(a: 1, b: "y"))
        var tree = WireTest_Node()
        tree.value = 1
        var leaf = WireTest_Node()
        leaf.value = 3
        var middle = WireTest_Node()
        middle.children = [leaf]
        tree.children = [middle, WireTest_Node()]
        #expect(try WireTest_Node(serializedBytes: tree.serializedBytes()) == tree)
    }

    @Test("open enums keep numbers they do not know")
    func openEnums() throws {
        var message = WireTest_Scalars()
        message.color = .unrecognized(1000)
        message.rColor = [.red, .unrecognized(-7)]
        let back = try WireTest_Scalars(serializedBytes: message.serializedBytes())
        #expect(back.color == .unrecognized(1000))
        #expect(back.color.rawValue == 1000)
        #expect(back.rColor == [.red, .unrecognized(-7)])
        #expect(WireTest_Color(rawValue: 2) == .blue)
        #expect(WireTest_Color.protoDefault == .unspecified)
    }

    @Test("merge(serializedBytes:) appends repeated fields and replaces singular ones")
    func merging() throws {
        var message = WireTest_Scalars()
        message.i32 = 1
        message.rS = ["a"]
        var other = WireTest_Scalars()
        other.i32 = 2
        other.rS = ["b"]
        try message.merge(serializedBytes: other.serializedBytes())
        #expect(message.i32 == 2)
        #expect(message.rS == ["a", "b"])
    }
}
