extension ProtobufWriter {
    /// Writes a singular field: its tag and value.
    ///
    /// ```swift
    /// if priceCents != 0 { writer.write(ProtobufField.Int64.self, priceCents, field: 3) }
    /// ```
    public mutating func write<Codec: ProtobufFieldCodec>(_ codec: Codec.Type, _ value: Codec.Value, field number: Int) {
        writeTag(field: number, wireType: Codec.wireType)
        Codec.write(value, to: &self)
    }

    /// Writes a repeated field unpacked: one tag per element (strings, bytes, messages, and
    /// numeric fields declared `[packed = false]`).
    public mutating func writeRepeated<Codec: ProtobufFieldCodec>(_ codec: Codec.Type, _ values: [Codec.Value], field number: Int) {
        for value in values { write(Codec.self, value, field: number) }
    }

    /// Writes a repeated numeric field packed, the proto3 default: one tag, a length, then the
    /// elements. Writes nothing for no elements.
    public mutating func writePacked<Codec: ProtobufFieldCodec>(_ codec: Codec.Type, _ values: [Codec.Value], field number: Int) {
        guard !values.isEmpty else { return }
        var payload = ProtobufWriter()
        for value in values { Codec.write(value, to: &payload) }
        writeTag(field: number, wireType: .lengthDelimited)
        writeLengthDelimited(payload.bytes)
    }

    /// Writes a message field (even an empty message: presence is what matters).
    public mutating func writeMessage<M: ProtobufMessage>(_ message: M, field number: Int) {
        write(ProtobufField.Message<M>.self, message, field: number)
    }

    /// Writes a map field: one entry message per key, sorted by key, each with the key as
    /// field 1 and the value as field 2 (both always written, as protoc does).
    public mutating func writeMap<Key: ProtobufMapKeyCodec, Value: ProtobufFieldCodec>(
        _ key: Key.Type, _ value: Value.Type, _ map: [Key.Value: Value.Value], field number: Int
    ) {
        for entryKey in map.keys.sorted(by: Key.sortsBefore) {
            var entry = ProtobufWriter()
            entry.write(Key.self, entryKey, field: 1)
            entry.write(Value.self, map[entryKey]!, field: 2)
            writeTag(field: number, wireType: .lengthDelimited)
            writeLengthDelimited(entry.bytes)
        }
    }

    /// Writes the unknown fields kept from decoding, unchanged.
    public mutating func writeUnknownFields(_ unknownFields: ProtobufUnknownFields) {
        writeRaw(unknownFields.bytes)
    }
}
