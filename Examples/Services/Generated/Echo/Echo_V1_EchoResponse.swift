// Mirrors Protos/echo/v1/echo.proto (package echo.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import Protobuf

/// `echo.v1.EchoResponse`.
public struct Echo_V1_EchoResponse: ProtobufMessage {
    public static let protoMessageName = "echo.v1.EchoResponse"

    /// `string text = 1`.
    public var text: String
    /// `int32 index = 2`: the response's position in a stream (0 for unary responses).
    public var index: Int32
    public var unknownFields = ProtobufUnknownFields()

    public init() { self.init(text: "") }

    public init(text: String = "", index: Int32 = 0) {
        self.text = text
        self.index = index
    }

    public mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
        switch number {
        case 1: text = try reader.read(ProtobufField.String.self, wireType: wireType)
        case 2: index = try reader.read(ProtobufField.Int32.self, wireType: wireType)
        default: try reader.readUnknownField(into: &unknownFields)
        }
    }

    public func encode(to writer: inout ProtobufWriter) {
        if !text.isEmpty { writer.write(ProtobufField.String.self, text, field: 1) }
        if index != 0 { writer.write(ProtobufField.Int32.self, index, field: 2) }
        writer.writeUnknownFields(unknownFields)
    }
}
