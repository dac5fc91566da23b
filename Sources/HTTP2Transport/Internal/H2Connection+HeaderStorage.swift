extension H2Connection {
    /// Gives `fields`, while it has no storage, the storage a finished stream left: one array
    /// serves one stream after another instead of each allocating its own.
    func takeSpareHeaderStorage(into fields: inout HeaderCodec.Fields) {
        if fields.capacity == 0 { swap(&fields, &spareHeaderFields) }
    }

    /// Keeps the storage of `fields`, a finished stream's header array, for the next stream
    /// (when none is kept yet); `fields` is left empty.
    func keepHeaderStorage(of fields: inout HeaderCodec.Fields) {
        guard spareHeaderFields.capacity == 0, fields.capacity > 0 else { return }
        fields.removeAll(keepingCapacity: true)
        swap(&fields, &spareHeaderFields)
    }
}
