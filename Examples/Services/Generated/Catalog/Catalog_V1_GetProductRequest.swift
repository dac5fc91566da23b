// Mirrors Protos/catalog/v1/catalog.proto (package catalog.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import Protobuf

/// `catalog.v1.GetProductRequest`.
public struct Catalog_V1_GetProductRequest: ProtobufMessage {
    public static let protoMessageName = "catalog.v1.GetProductRequest"

    /// `string id = 1`.
    public var id: String
    public var unknownFields = ProtobufUnknownFields()

    public init() { self.init(id: "") }

    public init(id: String = "") {
        self.id = id
    }

    public mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
        switch number {
        case 1: id = try reader.read(ProtobufField.String.self, wireType: wireType)
        default: try reader.readUnknownField(into: &unknownFields)
        }
    }

    public func encode(to writer: inout ProtobufWriter) {
        if !id.isEmpty { writer.write(ProtobufField.String.self, id, field: 1) }
        writer.writeUnknownFields(unknownFields)
    }
}
