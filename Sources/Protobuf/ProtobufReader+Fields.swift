extension ProtobufReader {
    /// Reads a singular field's value, checking that its wire type fits the field's type.
    ///
    /// ```swift
    /// case 3: priceCents = try reader.read(ProtobufField.Int64.self, wireType: wireType)
    /// ```
    public mutating func read<Codec: ProtobufFieldCodec>(_ codec: Codec.Type, wireType: ProtobufWireType) throws -> Codec.Value {
        try expect(Codec.wireType, wireType)
        return try Codec.read(from: &self)
    }

    /// Reads one occurrence of a repeated field and appends to `values`. Numeric fields are
    /// accepted both packed (one length-delimited run) and unpacked (one tag per element).
    ///
    /// ```swift
    /// case 8: try reader.readRepeated(ProtobufField.Int32.self, wireType: wireType, into: &ratings)
    /// ```
    public mutating func readRepeated<Codec: ProtobufFieldCodec>(
        _ codec: Codec.Type, wireType: ProtobufWireType, into values: inout [Codec.Value]
    ) throws {
        if wireType == .lengthDelimited, Codec.wireType != .lengthDelimited {
            let length = try readLength()
            let savedEnd = end
            end = position + length
            defer { end = savedEnd }
            while position < end {
                values.append(try Codec.read(from: &self))
            }
            return
        }
        try expect(Codec.wireType, wireType)
        values.append(try Codec.read(from: &self))
    }

    /// Reads a singular message field, merging into the value already there (as protobuf
    /// merging does when a message field occurs more than once).
    ///
    /// ```swift
    /// case 9: try reader.readMessage(wireType: wireType, into: &dimensions)   // dimensions: Dimensions?
    /// ```
    public mutating func readMessage<M: ProtobufMessage>(wireType: ProtobufWireType, into message: inout M?) throws {
        try expect(.lengthDelimited, wireType)
        var value = message ?? M()
        try mergeNestedMessage(into: &value)
        message = value
    }

    /// Reads a message field, merging into `message`.
    public mutating func readMessage<M: ProtobufMessage>(wireType: ProtobufWireType, into message: inout M) throws {
        try expect(.lengthDelimited, wireType)
        try mergeNestedMessage(into: &message)
    }

    /// Reads one entry of a map field (a nested message with the key as field 1 and the value as
    /// field 2; a missing key or value is its default) and stores it, replacing an earlier
    /// entry with the same key.
    ///
    /// ```swift
    /// case 7: try reader.readMapEntry(ProtobufField.String.self, ProtobufField.String.self, wireType: wireType, into: &attributes)
    /// ```
    public mutating func readMapEntry<Key: ProtobufMapKeyCodec, Value: ProtobufFieldCodec>(
        _ key: Key.Type, _ value: Value.Type, wireType: ProtobufWireType, into map: inout [Key.Value: Value.Value]
    ) throws {
        try expect(.lengthDelimited, wireType)
        var entryKey = Key.defaultValue
        var entryValue = Value.defaultValue
        try withNestedMessage(named: "\(messageName) map entry of field \(fieldNumber ?? 0)") { reader in
            while let (number, entryWireType) = try reader.nextField() {
                switch number {
                case 1: entryKey = try reader.read(Key.self, wireType: entryWireType)
                case 2: entryValue = try reader.read(Value.self, wireType: entryWireType)
                default: try reader.skipField()
                }
            }
        }
        map[entryKey] = entryValue
    }

    /// Keeps the field whose tag was just read, whole, in `unknownFields`.
    ///
    /// ```swift
    /// default: try reader.readUnknownField(into: &unknownFields)
    /// ```
    public mutating func readUnknownField(into unknownFields: inout ProtobufUnknownFields) throws {
        let start = fieldStart
        try skipField()
        unknownFields.append(bytes[start..<position])
    }

    /// Skips the value of the field whose tag was just read.
    public mutating func skipField() throws {
        switch fieldWireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup: try skipGroup()
        case .endGroup: throw error(.unmatchedEndGroup, at: fieldStart)
        }
    }

    /// Skips a group (and the groups nested in it) up to its matching end-group tag, without
    /// recursion.
    private mutating func skipGroup() throws {
        guard let number = fieldNumber else { return }
        var open = [number]
        while let innermost = open.last {
            guard position < end else { throw error(.truncatedGroup) }
            let start = position
            let (fieldNumber, wireType) = try Self.splitTag(try readVarint(), at: start, reader: self)
            switch wireType {
            case .varint: _ = try readVarint()
            case .fixed64: _ = try readFixed64()
            case .fixed32: _ = try readFixed32()
            case .lengthDelimited: _ = try readLengthDelimited()
            case .startGroup:
                guard depth + open.count < recursionLimit else { throw error(.nestingTooDeep(limit: recursionLimit), at: start) }
                open.append(fieldNumber)
            case .endGroup:
                guard fieldNumber == innermost else { throw error(.unmatchedEndGroup, at: start) }
                open.removeLast()
            }
        }
    }

    /// Reads a length prefix, then merges the nested message that follows into `message`.
    public mutating func mergeNestedMessage<M: ProtobufMessage>(into message: inout M) throws {
        try withNestedMessage(named: M.protoMessageName) { reader in
            try message.merge(from: &reader)
        }
    }

    /// Reads a length prefix and runs `body` with the reader limited to those bytes, one level
    /// deeper, then restores the enclosing message's state.
    mutating func withNestedMessage(named name: String, _ body: (inout ProtobufReader) throws -> Void) throws {
        let start = position
        let length = try readLength()
        guard depth < recursionLimit else { throw error(.nestingTooDeep(limit: recursionLimit), at: start) }
        let saved = (end, messageName, fieldNumber, fieldWireType, fieldStart)
        end = position + length
        messageName = name
        depth += 1
        defer {
            depth -= 1
            (end, messageName, fieldNumber, fieldWireType, fieldStart) = saved
        }
        try body(&self)
    }
}
