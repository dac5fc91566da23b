// Mirrors Protos/catalog/v1/catalog.proto (package catalog.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import Protobuf

/// `catalog.v1.Availability`: whether a product can be bought now. Open: numbers this
/// version does not know are kept as `unrecognized`.
public enum Catalog_V1_Availability: ProtobufEnum, CaseIterable {
    /// `AVAILABILITY_UNSPECIFIED = 0`.
    case unspecified
    /// `AVAILABILITY_IN_STOCK = 1`.
    case inStock
    /// `AVAILABILITY_BACKORDER = 2`.
    case backorder
    /// `AVAILABILITY_DISCONTINUED = 3`.
    case discontinued
    /// A number without a case here.
    case unrecognized(Int32)

    /// The known cases.
    public static let allCases: [Catalog_V1_Availability] = [.unspecified, .inStock, .backorder, .discontinued]

    public init() { self = .unspecified }

    public init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .inStock
        case 2: self = .backorder
        case 3: self = .discontinued
        default: self = .unrecognized(rawValue)
        }
    }

    public var rawValue: Int32 {
        switch self {
        case .unspecified: 0
        case .inStock: 1
        case .backorder: 2
        case .discontinued: 3
        case .unrecognized(let value): value
        }
    }
}
