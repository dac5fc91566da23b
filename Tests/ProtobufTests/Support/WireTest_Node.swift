import Protobuf

/// `wiretest.v1.Node`: a recursive message, for nesting limits.
struct WireTest_Node: ProtobufMessage {
    static let protoMessageName = "wiretest.v1.Node"
    var value: Int32 = 0
    var children: [WireTest_Node] = []
    var unknownFields = ProtobufUnknownFields()

    init() {}

    mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
        switch number {
        case 1: value = try reader.read(ProtobufField.Int32.self, wireType: wireType)
        case 2: try reader.readRepeated(ProtobufField.Message<WireTest_Node>.self, wireType: wireType, into: &children)
        default: try reader.readUnknownField(into: &unknownFields)
        }
    }

    func encode(to writer: inout ProtobufWriter) {
        if value != 0 { writer.write(ProtobufField.Int32.self, value, field: 1) }
        writer.writeRepeated(ProtobufField.Message<WireTest_Node>.self, children, field: 2)
        writer.writeUnknownFields(unknownFields)
    }
}
