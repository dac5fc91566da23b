extension HTTP2ClientTransport {
    /// Settings of an ``HTTP2ClientTransport``; start from ``defaults`` and change what you need.
    ///
    /// ```swift
    /// var configuration = HTTP2ClientTransport.Configuration.defaults
    /// configuration.connectTimeout = .seconds(5)
    /// ```
    public struct Configuration: Sendable, Hashable {
        /// The `user-agent` header. Default `breakwater-swift/0.1`.
        public var userAgent: String
        /// How long to wait for a TCP connection to be established. Default 20 seconds.
        public var connectTimeout: Duration
        /// The delay before reconnecting after a failed connection attempt; it doubles after each
        /// further failure up to ``reconnectBackoffMax`` and resets once a connection succeeds.
        /// Calls made meanwhile wait (within their deadline). Default 100 ms.
        public var reconnectBackoffInitial: Duration
        /// The longest reconnect delay. Default 5 seconds.
        public var reconnectBackoffMax: Duration
        /// The HTTP/2 flow-control window for each response stream and for the connection, in
        /// bytes (65,535...2,147,483,647). Default 1 MiB.
        public var initialWindowSize: Int
        /// The `:authority` header; `nil` (the default) uses the target, e.g. `127.0.0.1:50051`.
        public var authority: String?

        /// Test hook: request headers to replace (or add) after the transport built its own, so
        /// tests can send what a misbehaving client would. Not part of the public API.
        package var headerOverridesForTesting: [String: String] = [:]

        public init(
            userAgent: String = "breakwater-swift/0.1",
            connectTimeout: Duration = .seconds(20),
            reconnectBackoffInitial: Duration = .milliseconds(100),
            reconnectBackoffMax: Duration = .seconds(5),
            initialWindowSize: Int = 1 << 20,
            authority: String? = nil
        ) {
            self.userAgent = userAgent
            self.connectTimeout = connectTimeout
            self.reconnectBackoffInitial = reconnectBackoffInitial
            self.reconnectBackoffMax = reconnectBackoffMax
            self.initialWindowSize = initialWindowSize
            self.authority = authority
        }

        /// The defaults listed on each field.
        public static var defaults: Configuration { Configuration() }

        /// Throws ``HTTP2ConfigurationError`` naming every invalid field.
        public func validate() throws(HTTP2ConfigurationError) {
            var problems: [String] = []
            if !userAgent.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) {
                problems.append("userAgent '\(userAgent)' must be printable ASCII")
            }
            if connectTimeout <= .zero {
                problems.append("connectTimeout is \(connectTimeout); it must be positive")
            }
            if reconnectBackoffInitial < .zero {
                problems.append("reconnectBackoffInitial is \(reconnectBackoffInitial); it must not be negative")
            }
            if reconnectBackoffMax < reconnectBackoffInitial {
                problems.append("reconnectBackoffMax is \(reconnectBackoffMax); it must be at least reconnectBackoffInitial (\(reconnectBackoffInitial))")
            }
            if !(65_535...Int(Int32.max)).contains(initialWindowSize) {
                problems.append("initialWindowSize is \(initialWindowSize); it must be in 65535...2147483647")
            }
            if let authority, authority.isEmpty || !authority.utf8.allSatisfy({ $0 > 0x20 && $0 <= 0x7E }) {
                problems.append("authority '\(authority)' must be non-empty printable ASCII without spaces")
            }
            if !problems.isEmpty {
                throw HTTP2ConfigurationError(configuration: "HTTP2ClientTransport.Configuration", problems: problems)
            }
        }
    }
}
