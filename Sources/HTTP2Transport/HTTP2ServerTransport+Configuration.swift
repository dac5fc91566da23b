extension HTTP2ServerTransport {
    /// Settings of an ``HTTP2ServerTransport``; start from ``defaults`` and change what you need.
    ///
    /// ```swift
    /// var configuration = HTTP2ServerTransport.Configuration.defaults
    /// configuration.maxRequestMessageBytes = 1 << 20
    /// ```
    public struct Configuration: Sendable, Hashable {
        /// SETTINGS_MAX_CONCURRENT_STREAMS: calls one client connection may have open at once.
        /// Clients queue calls above it. Default 1,000.
        public var maxConcurrentStreams: Int
        /// The largest request message accepted, in bytes; larger ones end the call with
        /// RESOURCE_EXHAUSTED. Default 4 MiB.
        public var maxRequestMessageBytes: Int
        /// The HTTP/2 flow-control window for each request stream and for the connection, in
        /// bytes (65,535...2,147,483,647). Default 1 MiB.
        public var initialWindowSize: Int
        /// SETTINGS_MAX_HEADER_LIST_SIZE: the largest request header block, in bytes. Default 16 KiB.
        public var maxHeaderListBytes: Int
        /// The listen backlog. Default 1,024.
        public var listenBacklog: Int
        /// During graceful shutdown, the time between the GOAWAY shutdown notice and the final
        /// GOAWAY, so that requests already on the wire are still accepted. Default 100 ms.
        public var shutdownNoticeDelay: Duration
        /// During graceful shutdown, how long calls in flight may take to finish; after it, those
        /// still running are cancelled (their handlers see task cancellation) and the connections
        /// closed, so that ``HTTP2ServerTransport/listen(_:)`` always returns. `nil` waits for
        /// ever. Default 30 s, a common deployment drain window.
        public var shutdownGracePeriod: Duration?

        public init(
            maxConcurrentStreams: Int = 1000,
            maxRequestMessageBytes: Int = 4 * 1024 * 1024,
            initialWindowSize: Int = 1 << 20,
            maxHeaderListBytes: Int = 16 * 1024,
            listenBacklog: Int = 1024,
            shutdownNoticeDelay: Duration = .milliseconds(100),
            shutdownGracePeriod: Duration? = .seconds(30)
        ) {
            self.maxConcurrentStreams = maxConcurrentStreams
            self.maxRequestMessageBytes = maxRequestMessageBytes
            self.initialWindowSize = initialWindowSize
            self.maxHeaderListBytes = maxHeaderListBytes
            self.listenBacklog = listenBacklog
            self.shutdownNoticeDelay = shutdownNoticeDelay
            self.shutdownGracePeriod = shutdownGracePeriod
        }

        /// The defaults listed on each field.
        public static var defaults: Configuration { Configuration() }

        /// Throws ``HTTP2ConfigurationError`` naming every invalid field.
        public func validate() throws(HTTP2ConfigurationError) {
            var problems: [String] = []
            if !(1...Int(Int32.max)).contains(maxConcurrentStreams) {
                problems.append("maxConcurrentStreams is \(maxConcurrentStreams); it must be in 1...2147483647")
            }
            if !(0...Int(Int32.max)).contains(maxRequestMessageBytes) {
                problems.append("maxRequestMessageBytes is \(maxRequestMessageBytes); it must be in 0...2147483647")
            }
            if !(65_535...Int(Int32.max)).contains(initialWindowSize) {
                problems.append("initialWindowSize is \(initialWindowSize); it must be in 65535...2147483647")
            }
            if !(1024...Int(Int32.max)).contains(maxHeaderListBytes) {
                problems.append("maxHeaderListBytes is \(maxHeaderListBytes); it must be at least 1024")
            }
            if !(1...65535).contains(listenBacklog) {
                problems.append("listenBacklog is \(listenBacklog); it must be in 1...65535")
            }
            if shutdownNoticeDelay < .zero {
                problems.append("shutdownNoticeDelay is \(shutdownNoticeDelay); it must not be negative")
            }
            if let shutdownGracePeriod, shutdownGracePeriod < .zero {
                problems.append("shutdownGracePeriod is \(shutdownGracePeriod); it must not be negative (nil waits for ever)")
            }
            if !problems.isEmpty {
                throw HTTP2ConfigurationError(configuration: "HTTP2ServerTransport.Configuration", problems: problems)
            }
        }
    }
}
