import Protobuf

/// `wiretest.v1.Color`.
enum WireTest_Color: ProtobufEnum {
    case unspecified, red, blue, negative
    case unrecognized(Int32)

    init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .red
        case 2: self = .blue
        case -1: self = .negative
        default: self = .unrecognized(rawValue)
        }
    }

    var rawValue: Int32 {
        switch self {
        case .unspecified: 0
        case .red: 1
        case .blue: 2
        case .negative: -1
        case .unrecognized(let value): value
        }
    }
}
