extension ProtobufField {
    /// `int32`: a varint; negative values take ten bytes (sign-extended to 64 bits).
    public enum Int32: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .varint }
        public static var defaultValue: Swift.Int32 { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.Int32 {
            Swift.Int32(truncatingIfNeeded: try reader.readVarint())
        }
        public static func write(_ value: Swift.Int32, to writer: inout ProtobufWriter) {
            writer.writeVarint(Swift.UInt64(bitPattern: Swift.Int64(value)))
        }
    }

    /// `int64`: a varint; negative values take ten bytes.
    public enum Int64: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .varint }
        public static var defaultValue: Swift.Int64 { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.Int64 {
            Swift.Int64(bitPattern: try reader.readVarint())
        }
        public static func write(_ value: Swift.Int64, to writer: inout ProtobufWriter) {
            writer.writeVarint(Swift.UInt64(bitPattern: value))
        }
    }

    /// `uint32`: a varint.
    public enum UInt32: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .varint }
        public static var defaultValue: Swift.UInt32 { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.UInt32 {
            Swift.UInt32(truncatingIfNeeded: try reader.readVarint())
        }
        public static func write(_ value: Swift.UInt32, to writer: inout ProtobufWriter) {
            writer.writeVarint(Swift.UInt64(value))
        }
    }

    /// `uint64`: a varint.
    public enum UInt64: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .varint }
        public static var defaultValue: Swift.UInt64 { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.UInt64 {
            try reader.readVarint()
        }
        public static func write(_ value: Swift.UInt64, to writer: inout ProtobufWriter) {
            writer.writeVarint(value)
        }
    }

    /// `sint32`: a zigzag-encoded varint (0, -1, 1, -2 → 0, 1, 2, 3), short for small negatives.
    public enum SInt32: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .varint }
        public static var defaultValue: Swift.Int32 { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.Int32 {
            ZigZag.decode(Swift.UInt32(truncatingIfNeeded: try reader.readVarint()))
        }
        public static func write(_ value: Swift.Int32, to writer: inout ProtobufWriter) {
            writer.writeVarint(Swift.UInt64(ZigZag.encode(value)))
        }
    }

    /// `sint64`: a zigzag-encoded varint.
    public enum SInt64: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .varint }
        public static var defaultValue: Swift.Int64 { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.Int64 {
            ZigZag.decode(try reader.readVarint())
        }
        public static func write(_ value: Swift.Int64, to writer: inout ProtobufWriter) {
            writer.writeVarint(ZigZag.encode(value))
        }
    }

    /// `bool`: a varint 0 or 1 (any non-zero value reads as `true`).
    public enum Bool: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .varint }
        public static var defaultValue: Swift.Bool { false }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.Bool {
            try reader.readVarint() != 0
        }
        public static func write(_ value: Swift.Bool, to writer: inout ProtobufWriter) {
            writer.writeVarint(value ? 1 : 0)
        }
        public static func sortsBefore(_ lhs: Swift.Bool, _ rhs: Swift.Bool) -> Swift.Bool { !lhs && rhs }
    }

    /// An enum: its number as an `int32` varint. Unknown numbers are kept (open enums).
    public enum Enum<E: ProtobufEnum>: ProtobufFieldCodec {
        public static var wireType: ProtobufWireType { .varint }
        public static var defaultValue: E { E(rawValue: 0) }
        public static func read(from reader: inout ProtobufReader) throws -> E {
            E(rawValue: Swift.Int32(truncatingIfNeeded: try reader.readVarint()))
        }
        public static func write(_ value: E, to writer: inout ProtobufWriter) {
            writer.writeVarint(Swift.UInt64(bitPattern: Swift.Int64(value.rawValue)))
        }
    }
}
