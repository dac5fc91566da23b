extension ProtobufField {
    /// `fixed32`: four little-endian bytes.
    public enum Fixed32: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .fixed32 }
        public static var defaultValue: Swift.UInt32 { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.UInt32 { try reader.readFixed32() }
        public static func write(_ value: Swift.UInt32, to writer: inout ProtobufWriter) { writer.writeFixed32(value) }
    }

    /// `fixed64`: eight little-endian bytes.
    public enum Fixed64: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .fixed64 }
        public static var defaultValue: Swift.UInt64 { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.UInt64 { try reader.readFixed64() }
        public static func write(_ value: Swift.UInt64, to writer: inout ProtobufWriter) { writer.writeFixed64(value) }
    }

    /// `sfixed32`: four little-endian bytes, two's complement.
    public enum SFixed32: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .fixed32 }
        public static var defaultValue: Swift.Int32 { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.Int32 {
            Swift.Int32(bitPattern: try reader.readFixed32())
        }
        public static func write(_ value: Swift.Int32, to writer: inout ProtobufWriter) {
            writer.writeFixed32(Swift.UInt32(bitPattern: value))
        }
    }

    /// `sfixed64`: eight little-endian bytes, two's complement.
    public enum SFixed64: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .fixed64 }
        public static var defaultValue: Swift.Int64 { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.Int64 {
            Swift.Int64(bitPattern: try reader.readFixed64())
        }
        public static func write(_ value: Swift.Int64, to writer: inout ProtobufWriter) {
            writer.writeFixed64(Swift.UInt64(bitPattern: value))
        }
    }

    /// `float`: IEEE 754 single precision, little-endian. In proto3, generated code writes it
    /// unless its bit pattern is zero (so -0.0 and NaN are written, as protoc does).
    public enum Float: ProtobufFieldCodec {
        public static var wireType: ProtobufWireType { .fixed32 }
        public static var defaultValue: Swift.Float { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.Float {
            Swift.Float(bitPattern: try reader.readFixed32())
        }
        public static func write(_ value: Swift.Float, to writer: inout ProtobufWriter) {
            writer.writeFixed32(value.bitPattern)
        }
    }

    /// `double`: IEEE 754 double precision, little-endian.
    public enum Double: ProtobufFieldCodec {
        public static var wireType: ProtobufWireType { .fixed64 }
        public static var defaultValue: Swift.Double { 0 }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.Double {
            Swift.Double(bitPattern: try reader.readFixed64())
        }
        public static func write(_ value: Swift.Double, to writer: inout ProtobufWriter) {
            writer.writeFixed64(value.bitPattern)
        }
    }
}
