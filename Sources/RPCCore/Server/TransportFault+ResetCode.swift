extension TransportFault {
    /// An HTTP/2 error code for RST_STREAM (RFC 9113 section 7).
    ///
    /// ```swift
    /// TransportFault.ResetCode(name: "REFUSED_STREAM")   // .refusedStream
    /// TransportFault.ResetCode(name: "8")                // .cancel
    /// ```
    public struct ResetCode: Sendable, Hashable, CustomStringConvertible {
        /// The wire value.
        public var rawValue: UInt32

        /// Creates a code from its wire value (any value; unknown ones are sent as they are).
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// Parses a name such as `INTERNAL_ERROR` or `refused_stream` (case-insensitive), or a
        /// decimal number; `nil` for anything else.
        public init?(name: String) {
            let upper = name.uppercased()
            if let index = Self.names.firstIndex(of: upper) {
                self.init(rawValue: UInt32(index))
            } else if let value = UInt32(name) {
                self.init(rawValue: value)
            } else {
                return nil
            }
        }

        public static let noError = ResetCode(rawValue: 0x0)
        public static let protocolError = ResetCode(rawValue: 0x1)
        /// The default of ``TransportFault/resetStream(_:)``: the client sees INTERNAL.
        public static let internalError = ResetCode(rawValue: 0x2)
        public static let flowControlError = ResetCode(rawValue: 0x3)
        public static let streamClosed = ResetCode(rawValue: 0x5)
        /// The client sees UNAVAILABLE, not processed: it may retry transparently.
        public static let refusedStream = ResetCode(rawValue: 0x7)
        /// The client sees CANCELLED.
        public static let cancel = ResetCode(rawValue: 0x8)
        /// The client sees RESOURCE_EXHAUSTED.
        public static let enhanceYourCalm = ResetCode(rawValue: 0xB)

        /// The names of codes 0...13, in order.
        public static let names = [
            "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
            "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
            "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
        ]

        /// The code's name, e.g. `REFUSED_STREAM`, or its number when it has none.
        public var description: String {
            rawValue < Self.names.count ? Self.names[Int(rawValue)] : "\(rawValue)"
        }
    }
}
