// Mirrors Protos/echo/v1/echo.proto (package echo.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import Protobuf

/// `echo.v1.EchoRequest`.
public struct Echo_V1_EchoRequest: ProtobufMessage {
    public static let protoMessageName = "echo.v1.EchoRequest"

    /// `string text = 1`.
    public var text: String
    public var unknownFields = ProtobufUnknownFields()

    public init() { self.init(text: "") }

    public init(text: String = "") {
        self.text = text
    }

    public mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
        switch number {
        case 1: text = try reader.read(ProtobufField.String.self, wireType: wireType)
        default: try reader.readUnknownField(into: &unknownFields)
        }
    }

    public func encode(to writer: inout ProtobufWriter) {
        if !text.isEmpty { writer.write(ProtobufField.String.self, text, field: 1) }
        writer.writeUnknownFields(unknownFields)
    }
}
