import ExampleServices
import RPCCore

/// The misbehaviour the example server is told to show, from its flags.
struct ServerFaults: Sendable, CustomStringConvertible {
    /// Fraction of calls (0...1) that fail with `errorCode`.
    var errorRate: Double = 0
    /// The status of injected errors.
    var errorCode: Status.Code = .unavailable
    /// Added to every call before it is handled.
    var latency: Duration = .zero
    /// When the outage starts, counted from server start; `nil`: no outage.
    var outageAfter: Duration?
    /// How long the outage lasts.
    var outageLength: Duration = .seconds(5)
    /// Seed of the random source deciding which calls fail, so a run can be replayed.
    var seed: UInt64 = 1

    init() {}

    /// Reads the fault flags; throws naming every bad one.
    init(flags: CommandLineFlags) throws {
        var problems: [String] = []
        do {
            errorRate = try flags.double("error-rate", default: 0)
            if !(0...1).contains(errorRate) { problems.append("--error-rate must be within 0...1, got \(errorRate)") }
        } catch { problems.append("\(error)") }
        let codeName = flags.string("error-code", default: "UNAVAILABLE").uppercased()
        if let code = Status.Code.allCases.first(where: { $0.description == codeName }), code != .ok {
            errorCode = code
        } else {
            let names = Status.Code.allCases.filter { $0 != .ok }.map(\.description).joined(separator: ", ")
            problems.append("--error-code '\(codeName)' is not a non-OK status code; use one of \(names)")
        }
        do {
            let ms = try flags.int("latency-ms", default: 0)
            if !(0...3_600_000).contains(ms) { problems.append("--latency-ms must be within 0...3600000, got \(ms)") } else { latency = .milliseconds(ms) }
        } catch { problems.append("\(error)") }
        do {
            if flags.has("outage-after-s") {
                outageAfter = try flags.seconds("outage-after-s", default: 0)
            } else if flags.has("outage-for-s") {
                problems.append("--outage-for-s needs --outage-after-s (when the outage starts)")
            }
        } catch { problems.append("\(error)") }
        do {
            outageLength = try flags.seconds("outage-for-s", default: 5, in: 0.001...86_400)
        } catch { problems.append("\(error)") }
        do {
            seed = UInt64(truncatingIfNeeded: try flags.int("seed", default: 1))
        } catch { problems.append("\(error)") }
        if !problems.isEmpty {
            throw CommandLineFlags.Error(description: problems.joined(separator: "\n"))
        }
    }

    var description: String {
        var parts: [String] = []
        if errorRate > 0 { parts.append("\(errorRate * 100)% \(errorCode)") }
        if latency > .zero { parts.append("+\(latency) latency") }
        if let outageAfter { parts.append("outage from \(outageAfter) for \(outageLength)") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
