// Mirrors Protos/catalog/v1/catalog.proto (package catalog.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import Protobuf

/// `catalog.v1.ListProductsRequest`.
public struct Catalog_V1_ListProductsRequest: ProtobufMessage {
    public static let protoMessageName = "catalog.v1.ListProductsRequest"

    /// `string tag = 1`: only products with this tag; empty for all.
    public var tag: String
    /// `int32 page_size = 2`: at most this many products; 0 for all.
    public var pageSize: Int32
    public var unknownFields = ProtobufUnknownFields()

    public init() { self.init(tag: "") }

    public init(tag: String = "", pageSize: Int32 = 0) {
        self.tag = tag
        self.pageSize = pageSize
    }

    public mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
        switch number {
        case 1: tag = try reader.read(ProtobufField.String.self, wireType: wireType)
        case 2: pageSize = try reader.read(ProtobufField.Int32.self, wireType: wireType)
        default: try reader.readUnknownField(into: &unknownFields)
        }
    }

    public func encode(to writer: inout ProtobufWriter) {
        if !tag.isEmpty { writer.write(ProtobufField.String.self, tag, field: 1) }
        if pageSize != 0 { writer.write(ProtobufField.Int32.self, pageSize, field: 2) }
        writer.writeUnknownFields(unknownFields)
    }
}
