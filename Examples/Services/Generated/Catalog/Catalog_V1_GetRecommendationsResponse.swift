// Mirrors Protos/catalog/v1/catalog.proto (package catalog.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import Protobuf

/// `catalog.v1.GetRecommendationsResponse`.
public struct Catalog_V1_GetRecommendationsResponse: ProtobufMessage {
    public static let protoMessageName = "catalog.v1.GetRecommendationsResponse"

    /// `repeated Product products = 1`.
    public var products: [Catalog_V1_Product]
    public var unknownFields = ProtobufUnknownFields()

    public init() { self.init(products: []) }

    public init(products: [Catalog_V1_Product] = []) {
        self.products = products
    }

    public mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
        switch number {
        case 1: try reader.readRepeated(ProtobufField.Message<Catalog_V1_Product>.self, wireType: wireType, into: &products)
        default: try reader.readUnknownField(into: &unknownFields)
        }
    }

    public func encode(to writer: inout ProtobufWriter) {
        writer.writeRepeated(ProtobufField.Message<Catalog_V1_Product>.self, products, field: 1)
        writer.writeUnknownFields(unknownFields)
    }
}
