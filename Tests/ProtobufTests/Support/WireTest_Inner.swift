import Protobuf

/// `wiretest.v1.Inner`.
struct WireTest_Inner: ProtobufMessage {
    static let protoMessageName = "wiretest.v1.Inner"
    var a: Int32 = 0
    var b = ""
    var unknownFields = ProtobufUnknownFields()

    init() {}
    init(a: Int32 = 0, b: String = "") { self.a = a; self.b = b }

    mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
        switch number {
        case 1: a = try reader.read(ProtobufField.Int32.self, wireType: wireType)
        case 2: b = try reader.read(ProtobufField.String.self, wireType: wireType)
        default: try reader.readUnknownField(into: &unknownFields)
        }
    }

    func encode(to writer: inout ProtobufWriter) {
        if a != 0 { writer.write(ProtobufField.Int32.self, a, field: 1) }
        if !b.isEmpty { writer.write(ProtobufField.String.self, b, field: 2) }
        writer.writeUnknownFields(unknownFields)
    }
}
