extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Whole milliseconds, rounded up, never negative: for retry-after values.
    var millisecondsRoundedUp: Int {
        max(0, Int((seconds * 1000).rounded(.up)))
    }

    /// For messages: `350 ms` under a second, else seconds with one decimal (`4.2 s`), rounded up
    /// so that "next probe in" never promises too early.
    var readable: String {
        let seconds = max(0, self.seconds)
        if seconds < 1 { return "\(Int((seconds * 1000).rounded(.up))) ms" }
        let tenths = Int((seconds * 10).rounded(.up))
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
