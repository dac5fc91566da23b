import Protobuf

/// `wiretest.v1.Scalars`: every field type, as generated code would write it.
struct WireTest_Scalars: ProtobufMessage {
    static let protoMessageName = "wiretest.v1.Scalars"

    enum Choice: Hashable, Sendable {
        case oS(String)
        case oI32(Int32)
        case oMsg(WireTest_Inner)
    }

    var i32: Int32 = 0
    var i64: Int64 = 0
    var u32: UInt32 = 0
    var u64: UInt64 = 0
    var s32: Int32 = 0
    var s64: Int64 = 0
    var f32: UInt32 = 0
    var f64: UInt64 = 0
    var sf32: Int32 = 0
    var sf64: Int64 = 0
    var fl: Float = 0
    var db: Double = 0
    var b = false
    var s = ""
    var by: [UInt8] = []
    var color = WireTest_Color.unspecified
    var rI32: [Int32] = []
    var rS64: [Int64] = []
    var rF32: [UInt32] = []
    var rDb: [Double] = []
    var rB: [Bool] = []
    var rColor: [WireTest_Color] = []
    var unpackedI64: [Int64] = []
    var rS: [String] = []
    var rBy: [[UInt8]] = []
    var child: WireTest_Inner?
    var children: [WireTest_Inner] = []
    var mI32: [Int32: String] = [:]
    var mMsg: [String: WireTest_Inner] = [:]
    var mBool: [Bool: Int64] = [:]
    var choice: Choice?
    var opt: Int32?
    var mS64: [Int64: UInt32] = [:]
    var high: UInt32 = 0
    var unknownFields = ProtobufUnknownFields()

    init() {}

    mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
        switch number {
        case 1: i32 = try reader.read(ProtobufField.Int32.self, wireType: wireType)
        case 2: i64 = try reader.read(ProtobufField.Int64.self, wireType: wireType)
        case 3: u32 = try reader.read(ProtobufField.UInt32.self, wireType: wireType)
        case 4: u64 = try reader.read(ProtobufField.UInt64.self, wireType: wireType)
        case 5: s32 = try reader.read(ProtobufField.SInt32.self, wireType: wireType)
        case 6: s64 = try reader.read(ProtobufField.SInt64.self, wireType: wireType)
        case 7: f32 = try reader.read(ProtobufField.Fixed32.self, wireType: wireType)
        case 8: f64 = try reader.read(ProtobufField.Fixed64.self, wireType: wireType)
        case 9: sf32 = try reader.read(ProtobufField.SFixed32.self, wireType: wireType)
        case 10: sf64 = try reader.read(ProtobufField.SFixed64.self, wireType: wireType)
        case 11: fl = try reader.read(ProtobufField.Float.self, wireType: wireType)
        case 12: db = try reader.read(ProtobufField.Double.self, wireType: wireType)
        case 13: b = try reader.read(ProtobufField.Bool.self, wireType: wireType)
        case 14: s = try reader.read(ProtobufField.String.self, wireType: wireType)
        case 15: by = try reader.read(ProtobufField.Bytes.self, wireType: wireType)
        case 16: color = try reader.read(ProtobufField.Enum<WireTest_Color>.self, wireType: wireType)
        case 17: try reader.readRepeated(ProtobufField.Int32.self, wireType: wireType, into: &rI32)
        case 18: try reader.readRepeated(ProtobufField.SInt64.self, wireType: wireType, into: &rS64)
        case 19: try reader.readRepeated(ProtobufField.Fixed32.self, wireType: wireType, into: &rF32)
        case 20: try reader.readRepeated(ProtobufField.Double.self, wireType: wireType, into: &rDb)
        case 21: try reader.readRepeated(ProtobufField.Bool.self, wireType: wireType, into: &rB)
        case 22: try reader.readRepeated(ProtobufField.Enum<WireTest_Color>.self, wireType: wireType, into: &rColor)
        case 23: try reader.readRepeated(ProtobufField.Int64.self, wireType: wireType, into: &unpackedI64)
        case 24: try reader.readRepeated(ProtobufField.String.self, wireType: wireType, into: &rS)
        case 25: try reader.readRepeated(ProtobufField.Bytes.self, wireType: wireType, into: &rBy)
        case 26: try reader.readMessage(wireType: wireType, into: &child)
        case 27: try reader.readRepeated(ProtobufField.Message<WireTest_Inner>.self, wireType: wireType, into: &children)
        case 28: try reader.readMapEntry(ProtobufField.Int32.self, ProtobufField.String.self, wireType: wireType, into: &mI32)
        case 29: try reader.readMapEntry(ProtobufField.String.self, ProtobufField.Message<WireTest_Inner>.self, wireType: wireType, into: &mMsg)
        case 30: try reader.readMapEntry(ProtobufField.Bool.self, ProtobufField.SInt64.self, wireType: wireType, into: &mBool)
        case 31: choice = .oS(try reader.read(ProtobufField.String.self, wireType: wireType))
        case 32: choice = .oI32(try reader.read(ProtobufField.Int32.self, wireType: wireType))
        case 33:
            var inner: WireTest_Inner? = if case .oMsg(let existing)? = choice { existing } else { nil }
            try reader.readMessage(wireType: wireType, into: &inner)
            choice = inner.map(Choice.oMsg)
        case 34: opt = try reader.read(ProtobufField.Int32.self, wireType: wireType)
        case 35: try reader.readMapEntry(ProtobufField.SInt64.self, ProtobufField.Fixed32.self, wireType: wireType, into: &mS64)
        case 536_870_911: high = try reader.read(ProtobufField.UInt32.self, wireType: wireType)
        default: try reader.readUnknownField(into: &unknownFields)
        }
    }

    func encode(to writer: inout ProtobufWriter) {
        if i32 != 0 { writer.write(ProtobufField.Int32.self, i32, field: 1) }
        if i64 != 0 { writer.write(ProtobufField.Int64.self, i64, field: 2) }
        if u32 != 0 { writer.write(ProtobufField.UInt32.self, u32, field: 3) }
        if u64 != 0 { writer.write(ProtobufField.UInt64.self, u64, field: 4) }
        if s32 != 0 { writer.write(ProtobufField.SInt32.self, s32, field: 5) }
        if s64 != 0 { writer.write(ProtobufField.SInt64.self, s64, field: 6) }
        if f32 != 0 { writer.write(ProtobufField.Fixed32.self, f32, field: 7) }
        if f64 != 0 { writer.write(ProtobufField.Fixed64.self, f64, field: 8) }
        if sf32 != 0 { writer.write(ProtobufField.SFixed32.self, sf32, field: 9) }
        if sf64 != 0 { writer.write(ProtobufField.SFixed64.self, sf64, field: 10) }
        if fl.bitPattern != 0 { writer.write(ProtobufField.Float.self, fl, field: 11) }
        if db.bitPattern != 0 { writer.write(ProtobufField.Double.self, db, field: 12) }
        if b { writer.write(ProtobufField.Bool.self, b, field: 13) }
        if !s.isEmpty { writer.write(ProtobufField.String.self, s, field: 14) }
        if !by.isEmpty { writer.write(ProtobufField.Bytes.self, by, field: 15) }
        if color.rawValue != 0 { writer.write(ProtobufField.Enum<WireTest_Color>.self, color, field: 16) }
        writer.writePacked(ProtobufField.Int32.self, rI32, field: 17)
        writer.writePacked(ProtobufField.SInt64.self, rS64, field: 18)
        writer.writePacked(ProtobufField.Fixed32.self, rF32, field: 19)
        writer.writePacked(ProtobufField.Double.self, rDb, field: 20)
        writer.writePacked(ProtobufField.Bool.self, rB, field: 21)
        writer.writePacked(ProtobufField.Enum<WireTest_Color>.self, rColor, field: 22)
        writer.writeRepeated(ProtobufField.Int64.self, unpackedI64, field: 23)
        writer.writeRepeated(ProtobufField.String.self, rS, field: 24)
        writer.writeRepeated(ProtobufField.Bytes.self, rBy, field: 25)
        if let child { writer.writeMessage(child, field: 26) }
        writer.writeRepeated(ProtobufField.Message<WireTest_Inner>.self, children, field: 27)
        writer.writeMap(ProtobufField.Int32.self, ProtobufField.String.self, mI32, field: 28)
        writer.writeMap(ProtobufField.String.self, ProtobufField.Message<WireTest_Inner>.self, mMsg, field: 29)
        writer.writeMap(ProtobufField.Bool.self, ProtobufField.SInt64.self, mBool, field: 30)
        switch choice {
        case .oS(let value)?: writer.write(ProtobufField.String.self, value, field: 31)
        case .oI32(let value)?: writer.write(ProtobufField.Int32.self, value, field: 32)
        case .oMsg(let value)?: writer.writeMessage(value, field: 33)
        case nil: break
        }
        if let opt { writer.write(ProtobufField.Int32.self, opt, field: 34) }
        writer.writeMap(ProtobufField.SInt64.self, ProtobufField.Fixed32.self, mS64, field: 35)
        if high != 0 { writer.write(ProtobufField.UInt32.self, high, field: 536_870_911) }
        writer.writeUnknownFields(unknownFields)
    }
}
