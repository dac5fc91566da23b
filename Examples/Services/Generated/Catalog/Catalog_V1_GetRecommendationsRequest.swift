// Mirrors Protos/catalog/v1/catalog.proto (package catalog.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import Protobuf

/// `catalog.v1.GetRecommendationsRequest`.
public struct Catalog_V1_GetRecommendationsRequest: ProtobufMessage {
    public static let protoMessageName = "catalog.v1.GetRecommendationsRequest"

    /// `string product_id = 1`.
    public var productID: String
    /// `int32 limit = 2`: at most this many products; 0 means the server's default.
    public var limit: Int32
    public var unknownFields = ProtobufUnknownFields()

    public init() { self.init(productID: "") }

    public init(productID: String = "", limit: Int32 = 0) {
        self.productID = productID
        self.limit = limit
    }

    public mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
        switch number {
        case 1: productID = try reader.read(ProtobufField.String.self, wireType: wireType)
        case 2: limit = try reader.read(ProtobufField.Int32.self, wireType: wireType)
        default: try reader.readUnknownField(into: &unknownFields)
        }
    }

    public func encode(to writer: inout ProtobufWriter) {
        if !productID.isEmpty { writer.write(ProtobufField.String.self, productID, field: 1) }
        if limit != 0 { writer.write(ProtobufField.Int32.self, limit, field: 2) }
        writer.writeUnknownFields(unknownFields)
    }
}
