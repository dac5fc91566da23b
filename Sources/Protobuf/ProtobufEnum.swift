/// A protobuf enum. Enums are open: a value the Swift type has no case for is kept (generated
/// enums have an `unrecognized(Int32)` case) and written back as it came.
///
/// ```swift
/// enum Availability: ProtobufEnum {
///     case unspecified, inStock
///     case unrecognized(Int32)
///     init(rawValue: Int32) { switch rawValue { case 0: self = .unspecified; case 1: self = .inStock; default: self = .unrecognized(rawValue) } }
///     var rawValue: Int32 { switch self { case .unspecified: 0; case .inStock: 1; case .unrecognized(let v): v } }
/// }
/// ```
public protocol ProtobufEnum: RawRepresentable, Sendable, Hashable where RawValue == Int32 {
    /// The case for a wire value; never fails (unknown values become `unrecognized`).
    init(rawValue: Int32)
}

extension ProtobufEnum {
    /// The default value: the one numbered 0.
    public static var protoDefault: Self { Self(rawValue: 0) }
}
