import ExampleServices
import FaultInjection
import RPCCore

/// The misbehaviour the example server is told to show, from its flags, as a fault injection
/// configuration: one rule for every method (error rate, fixed latency, one outage window).
struct ServerFaults: Sendable, CustomStringConvertible {
    /// What the server's ``FaultInjectionInterceptor`` injects; no rules when no fault flag is
    /// given. Injected errors and outage failures name `example-server`.
    let configuration: FaultInjectionInterceptor.Configuration

    /// The only rule (all methods); empty when there are no faults.
    var rule: FaultRule { configuration.rules.first ?? FaultRule() }

    /// Reads the fault flags; throws naming every bad one.
    init(flags: CommandLineFlags) throws {
        var problems: [String] = []
        var rule = FaultRule()
        do {
            rule.errorRate = try flags.rate("error-rate")
        } catch { problems.append("\(error)") }
        do {
            rule.errorCode = try flags.errorCode("error-code", default: .unavailable)
        } catch { problems.append("\(error)") }
        do {
            let ms = try flags.int("latency-ms", default: 0, in: 0...3_600_000)
            if ms > 0 { rule.latency = .fixed(.milliseconds(ms)) }
        } catch { problems.append("\(error)") }
        var outageAfter: Duration?
        do {
            if flags.has("outage-after-s") {
                outageAfter = try flags.seconds("outage-after-s", default: 0)
            } else if flags.has("outage-for-s") {
                problems.append("--outage-for-s needs --outage-after-s (when the outage starts)")
            }
        } catch { problems.append("\(error)") }
        do {
            // At most an hour: FaultInjection's limit for an outage's length.
            let outageLength = try flags.seconds("outage-for-s", default: 5, in: 0.001...3600)
            if let outageAfter { rule.outage = OutageWindow(start: outageAfter, length: outageLength) }
        } catch { problems.append("\(error)") }
        var seed: UInt64 = 1
        do {
            seed = try flags.seed(default: 1)
        } catch { problems.append("\(error)") }
        if !problems.isEmpty {
            throw CommandLineFlags.Error(description: problems.joined(separator: "\n"))
        }
        do {
            configuration = try FaultInjectionInterceptor.Configuration(
                rules: rule.isEmpty ? [] : [rule], seed: seed, name: "example-server"
            )
        } catch {
            // The flag checks above keep every value within FaultInjection's limits.
            throw CommandLineFlags.Error(description: "\(error)")
        }
    }

    /// `30.0% UNAVAILABLE, +0.2 seconds latency, outage from 5.0 seconds for 8.0 seconds`, or
    /// `none`: the form example-server has always printed.
    var description: String {
        var parts: [String] = []
        if rule.errorRate > 0 { parts.append("\(rule.errorRate * 100)% \(rule.errorCode)") }
        if let latency = rule.latency { parts.append("+\(latency.minimum) latency") }
        if let outage = rule.outage, let length = outage.length { parts.append("outage from \(outage.start) for \(length)") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
