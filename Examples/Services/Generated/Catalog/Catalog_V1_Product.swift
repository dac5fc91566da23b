// Mirrors Protos/catalog/v1/catalog.proto (package catalog.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import Protobuf

/// `catalog.v1.Product`.
public struct Catalog_V1_Product: ProtobufMessage {
    public static let protoMessageName = "catalog.v1.Product"

    /// `catalog.v1.Product.Dimensions`: physical size and weight.
    public struct Dimensions: ProtobufMessage {
        public static let protoMessageName = "catalog.v1.Product.Dimensions"

        /// `double width_cm = 1`.
        public var widthCm: Double
        /// `double height_cm = 2`.
        public var heightCm: Double
        /// `double depth_cm = 3`.
        public var depthCm: Double
        /// `float weight_kg = 4`.
        public var weightKg: Float
        public var unknownFields = ProtobufUnknownFields()

        public init() { self.init(widthCm: 0) }

        public init(widthCm: Double = 0, heightCm: Double = 0, depthCm: Double = 0, weightKg: Float = 0) {
            self.widthCm = widthCm
            self.heightCm = heightCm
            self.depthCm = depthCm
            self.weightKg = weightKg
        }

        public mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
            switch number {
            case 1: widthCm = try reader.read(ProtobufField.Double.self, wireType: wireType)
            case 2: heightCm = try reader.read(ProtobufField.Double.self, wireType: wireType)
            case 3: depthCm = try reader.read(ProtobufField.Double.self, wireType: wireType)
            case 4: weightKg = try reader.read(ProtobufField.Float.self, wireType: wireType)
            default: try reader.readUnknownField(into: &unknownFields)
            }
        }

        public func encode(to writer: inout ProtobufWriter) {
            if widthCm.bitPattern != 0 { writer.write(ProtobufField.Double.self, widthCm, field: 1) }
            if heightCm.bitPattern != 0 { writer.write(ProtobufField.Double.self, heightCm, field: 2) }
            if depthCm.bitPattern != 0 { writer.write(ProtobufField.Double.self, depthCm, field: 3) }
            if weightKg.bitPattern != 0 { writer.write(ProtobufField.Float.self, weightKg, field: 4) }
            writer.writeUnknownFields(unknownFields)
        }
    }

    /// `oneof promotion`: at most one promotion applies.
    public enum OneOf_Promotion: Sendable, Hashable {
        /// `sint32 discount_percent = 10`.
        case discountPercent(Int32)
        /// `string coupon_code = 11`.
        case couponCode(String)
    }

    /// `string id = 1`.
    public var id: String
    /// `string name = 2`.
    public var name: String
    /// `int64 price_cents = 3`.
    public var priceCents: Int64
    /// `repeated string tags = 4`.
    public var tags: [String]
    /// `int32 stock = 5`.
    public var stock: Int32
    /// `Availability availability = 6`.
    public var availability: Catalog_V1_Availability
    /// `map<string, string> attributes = 7`.
    public var attributes: [String: String]
    /// `repeated int32 ratings = 8` (packed): customer ratings, 1 to 5.
    public var ratings: [Int32]
    /// `Dimensions dimensions = 9`; `nil` when absent.
    public var dimensions: Dimensions?
    /// `oneof promotion`; `nil` when none is set.
    public var promotion: OneOf_Promotion?
    /// `bool featured = 12`.
    public var featured: Bool
    /// `bytes thumbnail = 13`.
    public var thumbnail: [UInt8]
    public var unknownFields = ProtobufUnknownFields()

    /// `discount_percent` if that is the promotion set, else 0; setting it selects it.
    public var discountPercent: Int32 {
        get { if case .discountPercent(let value)? = promotion { value } else { 0 } }
        set { promotion = .discountPercent(newValue) }
    }

    /// `coupon_code` if that is the promotion set, else ""; setting it selects it.
    public var couponCode: String {
        get { if case .couponCode(let value)? = promotion { value } else { "" } }
        set { promotion = .couponCode(newValue) }
    }

    public init() { self.init(id: "") }

    public init(
        id: String = "", name: String = "", priceCents: Int64 = 0, tags: [String] = [], stock: Int32 = 0,
        availability: Catalog_V1_Availability = .unspecified, attributes: [String: String] = [:],
        ratings: [Int32] = [], dimensions: Dimensions? = nil, promotion: OneOf_Promotion? = nil,
        featured: Bool = false, thumbnail: [UInt8] = []
    ) {
        self.id = id
        self.name = name
        self.priceCents = priceCents
        self.tags = tags
        self.stock = stock
        self.availability = availability
        self.attributes = attributes
        self.ratings = ratings
        self.dimensions = dimensions
        self.promotion = promotion
        self.featured = featured
        self.thumbnail = thumbnail
    }

    public mutating func decodeField(number: Int, wireType: ProtobufWireType, reader: inout ProtobufReader) throws {
        switch number {
        case 1: id = try reader.read(ProtobufField.String.self, wireType: wireType)
        case 2: name = try reader.read(ProtobufField.String.self, wireType: wireType)
        case 3: priceCents = try reader.read(ProtobufField.Int64.self, wireType: wireType)
        case 4: try reader.readRepeated(ProtobufField.String.self, wireType: wireType, into: &tags)
        case 5: stock = try reader.read(ProtobufField.Int32.self, wireType: wireType)
        case 6: availability = try reader.read(ProtobufField.Enum<Catalog_V1_Availability>.self, wireType: wireType)
        case 7: try reader.readMapEntry(ProtobufField.String.self, ProtobufField.String.self, wireType: wireType, into: &attributes)
        case 8: try reader.readRepeated(ProtobufField.Int32.self, wireType: wireType, into: &ratings)
        case 9: try reader.readMessage(wireType: wireType, into: &dimensions)
        case 10: promotion = .discountPercent(try reader.read(ProtobufField.SInt32.self, wireType: wireType))
        case 11: promotion = .couponCode(try reader.read(ProtobufField.String.self, wireType: wireType))
        case 12: featured = try reader.read(ProtobufField.Bool.self, wireType: wireType)
        case 13: thumbnail = try reader.read(ProtobufField.Bytes.self, wireType: wireType)
        default: try reader.readUnknownField(into: &unknownFields)
        }
    }

    public func encode(to writer: inout ProtobufWriter) {
        if !id.isEmpty { writer.write(ProtobufField.String.self, id, field: 1) }
        if !name.isEmpty { writer.write(ProtobufField.String.self, name, field: 2) }
        if priceCents != 0 { writer.write(ProtobufField.Int64.self, priceCents, field: 3) }
        writer.writeRepeated(ProtobufField.String.self, tags, field: 4)
        if stock != 0 { writer.write(ProtobufField.Int32.self, stock, field: 5) }
        if availability.rawValue != 0 { writer.write(ProtobufField.Enum<Catalog_V1_Availability>.self, availability, field: 6) }
        writer.writeMap(ProtobufField.String.self, ProtobufField.String.self, attributes, field: 7)
        writer.writePacked(ProtobufField.Int32.self, ratings, field: 8)
        if let dimensions { writer.writeMessage(dimensions, field: 9) }
        switch promotion {
        case .discountPercent(let value)?: writer.write(ProtobufField.SInt32.self, value, field: 10)
        case .couponCode(let value)?: writer.write(ProtobufField.String.self, value, field: 11)
        case nil: break
        }
        if featured { writer.write(ProtobufField.Bool.self, featured, field: 12) }
        if !thumbnail.isEmpty { writer.write(ProtobufField.Bytes.self, thumbnail, field: 13) }
        writer.writeUnknownFields(unknownFields)
    }
}
