extension ProtobufField {
    /// `string`: a length, then UTF-8 bytes (invalid UTF-8 is a decoding error, as in protoc).
    public enum String: ProtobufMapKeyCodec {
        public static var wireType: ProtobufWireType { .lengthDelimited }
        public static var defaultValue: Swift.String { "" }
        public static func read(from reader: inout ProtobufReader) throws -> Swift.String {
            let start = reader.position
            let bytes = try reader.readLengthDelimited()
            // Decoding repairs invalid UTF-8 with U+FFFD, so the bytes differ exactly when it was invalid.
            let string = Swift.String(decoding: bytes, as: UTF8.self)
            guard string.utf8.elementsEqual(bytes) else {
                throw reader.error(.invalidUTF8, at: start)
            }
            return string
        }
        public static func write(_ value: Swift.String, to writer: inout ProtobufWriter) {
            writer.writeLengthDelimited(value.utf8)
        }
        public static func sortsBefore(_ lhs: Swift.String, _ rhs: Swift.String) -> Swift.Bool {
            lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
        }
    }

    /// `bytes`: a length, then the bytes.
    public enum Bytes: ProtobufFieldCodec {
        public static var wireType: ProtobufWireType { .lengthDelimited }
        public static var defaultValue: [Swift.UInt8] { [] }
        public static func read(from reader: inout ProtobufReader) throws -> [Swift.UInt8] {
            Array(try reader.readLengthDelimited())
        }
        public static func write(_ value: [Swift.UInt8], to writer: inout ProtobufWriter) {
            writer.writeLengthDelimited(value)
        }
    }

    /// A message: a length, then the message's encoding.
    public enum Message<M: ProtobufMessage>: ProtobufFieldCodec {
        public static var wireType: ProtobufWireType { .lengthDelimited }
        public static var defaultValue: M { M() }
        public static func read(from reader: inout ProtobufReader) throws -> M {
            var message = M()
            try reader.mergeNestedMessage(into: &message)
            return message
        }
        public static func write(_ value: M, to writer: inout ProtobufWriter) {
            var nested = ProtobufWriter()
            value.encode(to: &nested)
            writer.writeLengthDelimited(nested.bytes)
        }
    }
}
