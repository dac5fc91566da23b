import ExampleServices
import FaultInjection
import RPCCore

/// flaky-server's flags, read into a fault injection configuration. Every bad flag is reported
/// at once.
struct FlakyServerFlags {
    static let valueFlags: Set<String> = [
        "host", "port", "seed", "run-for-s", "method", "error-rate", "error-code", "pushback-ms",
        "latency-ms", "tail-rate", "tail-ms", "hang-rate", "reset-rate", "reset-code", "goaway-rate",
        "drop-rate", "outage-after-s", "outage-for-s", "outage-every-s", "phases",
    ]
    static let switches: Set<String> = ["quiet", "allow-metadata-faults", "help"]

    static let usage = """
        usage: flaky-server [--host 127.0.0.1] [--port 50051] [--seed 1] [--run-for-s S] [--quiet]
                            [--method /pkg.Service/Method | /pkg.Service]
                            [--error-rate 0..1] [--error-code UNAVAILABLE] [--pushback-ms N]
                            [--latency-ms N | --latency-ms A-B] [--tail-rate 0..1 --tail-ms N]
                            [--hang-rate 0..1] [--reset-rate 0..1] [--reset-code INTERNAL_ERROR]
                            [--goaway-rate 0..1] [--drop-rate 0..1]
                            [--outage-after-s S --outage-for-s D [--outage-every-s P]]
                            [--phases healthy:6,flaky:10,outage:8,healthy:10]
                            [--allow-metadata-faults]
          Without --phases the fault flags apply all the time; with it, only in 'flaky' phases
          ('healthy': no faults, 'outage': every call fails UNAVAILABLE; the last phase lasts for ever).
        """

    var host = "127.0.0.1"
    var port = 50051
    var runFor = Duration.zero
    var quiet = false
    var help = false
    var configuration: FaultInjectionInterceptor.Configuration

    /// Parses `arguments`; throws a ``CommandLineFlags/Error`` listing every bad flag.
    init(_ arguments: [String]) throws {
        var problems: [String] = []
        // Unknown flags first, all of them (CommandLineFlags stops at the first).
        var index = 0
        var known: [String] = []
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else {
                problems.append("unexpected argument '\(argument)'; flags look like --name value")
                continue
            }
            let body = argument.dropFirst(2)
            let name = String(body.split(separator: "=", maxSplits: 1).first ?? "")
            if Self.switches.contains(name) {
                known.append(argument)
            } else if Self.valueFlags.contains(name) {
                known.append(argument)
                if !body.contains("="), index < arguments.count {
                    known.append(arguments[index])
                    index += 1
                }
            } else {
                problems.append("unknown flag '--\(name)'")
                // Skip its value, if it has one, so that it is not reported too.
                if !body.contains("="), index < arguments.count, !arguments[index].hasPrefix("--") { index += 1 }
            }
        }
        if !problems.isEmpty {
            let all = Self.valueFlags.union(Self.switches).sorted().map { "--\($0)" }.joined(separator: ", ")
            throw CommandLineFlags.Error(description: problems.joined(separator: "\n") + "\nknown flags: \(all)")
        }
        let flags = try CommandLineFlags(known, known: Self.valueFlags, switches: Self.switches)
        help = flags.has("help")
        quiet = flags.has("quiet")
        host = flags.string("host", default: "127.0.0.1")

        func attempt<T>(_ body: () throws -> T) -> T? {
            do { return try body() } catch { problems.append("\(error)"); return nil }
        }
        func rate(_ name: String) -> Double {
            guard let value = attempt({ try flags.double(name, default: 0) }) else { return 0 }
            guard (0...1).contains(value) else {
                problems.append("flag '--\(name)' must be within 0...1, got \(value)")
                return 0
            }
            return value
        }
        func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) -> Int {
            guard let number = attempt({ try flags.int(name, default: value) }) else { return value }
            guard range.contains(number) else {
                problems.append("flag '--\(name)' must be within \(range.lowerBound)...\(range.upperBound), got \(number)")
                return value
            }
            return number
        }

        port = integer("port", default: 50051, in: 0...65535)
        let seed = UInt64(truncatingIfNeeded: integer("seed", default: 1, in: Int.min...Int.max))
        runFor = attempt { try flags.seconds("run-for-s", default: 0) } ?? .zero

        var rule = FaultRule()
        if flags.has("method") {
            let text = flags.string("method", default: "")
            if let scope = FaultRule.Scope(parsing: text) {
                rule.scope = scope
            } else {
                problems.append("flag '--method' expects /pkg.Service/Method or /pkg.Service, got '\(text)'")
            }
        }
        rule.errorRate = rate("error-rate")
        let codeName = flags.string("error-code", default: "UNAVAILABLE")
        let code = Int(codeName).flatMap(Status.Code.init(rawValue:)) ?? Status.Code.allCases.first { $0.description == codeName.uppercased() }
        if let code, code != .ok {
            rule.errorCode = code
        } else {
            let names = Status.Code.allCases.filter { $0 != .ok }.map(\.description).joined(separator: ", ")
            problems.append("flag '--error-code' '\(codeName)' is not a non-OK status code; use one of \(names)")
        }
        if flags.has("pushback-ms") {
            rule.pushbackMilliseconds = integer("pushback-ms", default: 0, in: 0...Int(Int32.max))
        }
        if flags.has("latency-ms") {
            let text = flags.string("latency-ms", default: "0")
            let parts = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            if parts.count == 1, let ms = parts[0], (0...3_600_000).contains(ms) {
                rule.latency = .fixed(.milliseconds(ms))
            } else if parts.count == 2, let low = parts[0], let high = parts[1], 0 <= low, low <= high, high <= 3_600_000 {
                rule.latency = .uniform(.milliseconds(low) ... .milliseconds(high))
            } else {
                problems.append("flag '--latency-ms' expects N or A-B milliseconds with 0 <= A <= B <= 3600000, got '\(text)'")
            }
        }
        if flags.has("tail-rate") || flags.has("tail-ms") {
            if flags.has("tail-rate") != flags.has("tail-ms") {
                problems.append("flags '--tail-rate' and '--tail-ms' go together (the fraction of calls in the tail and their latency)")
            } else {
                let tailRate = rate("tail-rate")
                let tailMS = integer("tail-ms", default: 0, in: 0...3_600_000)
                rule.latency = (rule.latency ?? .fixed(.zero)).withTail(rate: tailRate, latency: .milliseconds(tailMS))
            }
        }
        rule.hangRate = rate("hang-rate")
        rule.resetRate = rate("reset-rate")
        let resetName = flags.string("reset-code", default: "INTERNAL_ERROR")
        if let resetCode = TransportFault.ResetCode(name: resetName) {
            rule.resetCode = resetCode
        } else {
            problems.append("flag '--reset-code' '\(resetName)' is not an HTTP/2 error code name (e.g. REFUSED_STREAM) or number")
        }
        rule.goAwayRate = rate("goaway-rate")
        rule.dropRate = rate("drop-rate")
        if flags.has("outage-after-s") || flags.has("outage-for-s") || flags.has("outage-every-s") {
            if !flags.has("outage-after-s") { problems.append("flag '--outage-for-s' or '--outage-every-s' needs '--outage-after-s' (when the outage starts)") }
            if !flags.has("outage-for-s") { problems.append("flag '--outage-after-s' needs '--outage-for-s' (how long the outage lasts)") }
            let start = attempt { try flags.seconds("outage-after-s", default: 0) }
            let length = attempt { try flags.seconds("outage-for-s", default: 1, in: 0.001...3600) }
            let period = flags.has("outage-every-s") ? attempt { try flags.seconds("outage-every-s", default: 0, in: 0.001...86_400) } : nil
            if let length, let period, period <= length {
                problems.append("flag '--outage-every-s' (\(period)) must be longer than '--outage-for-s' (\(length))")
            }
            if let start, let length {
                rule.outage = OutageWindow(start: start, length: length, period: period)
            }
        }

        var rules = rule.isEmpty ? [] : [rule]
        var phases: [FaultPhase] = []
        if flags.has("phases") {
            let text = flags.string("phases", default: "")
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                let parts = item.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, let seconds = Double(parts[1]), seconds.isFinite, seconds > 0, seconds <= 86_400 else {
                    problems.append("flag '--phases' item '\(item)' is not NAME:SECONDS with 0 < SECONDS <= 86400 (e.g. flaky:10)")
                    continue
                }
                let duration = Duration.milliseconds(Int64((seconds * 1000).rounded()))
                switch parts[0] {
                case "healthy": phases.append(FaultPhase(name: "healthy", duration: duration))
                case "flaky": phases.append(FaultPhase(name: "flaky", duration: duration, rules: rules))
                case "outage":
                    let outage = FaultRule(outage: .always, pushbackMilliseconds: rule.pushbackMilliseconds)
                    phases.append(FaultPhase(name: "outage", duration: duration, rules: [outage]))
                default:
                    problems.append("flag '--phases' has phase '\(parts[0])'; phases are healthy, flaky and outage")
                }
            }
            // The fault flags apply only in flaky phases.
            rules = []
        }
        if !problems.isEmpty {
            throw CommandLineFlags.Error(description: problems.joined(separator: "\n"))
        }
        do {
            configuration = try FaultInjectionInterceptor.Configuration(
                rules: rules, phases: phases, allowsMetadataFaults: flags.has("allow-metadata-faults"), seed: seed, name: "flaky-server"
            )
        } catch {
            throw CommandLineFlags.Error(description: "\(error)")
        }
    }

    /// What the server injects, for its first line.
    var summary: String {
        var parts: [String] = []
        if configuration.phases.isEmpty {
            parts.append(configuration.rules.isEmpty ? "none" : configuration.rules.map(\.description).joined(separator: "; "))
        } else {
            let names = configuration.phases.enumerated().map { index, phase in
                index == configuration.phases.count - 1 ? "\(phase.name) (then for ever)" : "\(phase.name) \(Self.seconds(phase.duration)) s"
            }
            parts.append("phases " + names.joined(separator: ", "))
            if let flaky = configuration.phases.first(where: { $0.name == "flaky" }) {
                parts.append("flaky: " + (flaky.rules.isEmpty ? "no faults" : flaky.rules.map(\.description).joined(separator: "; ")))
            }
        }
        parts.append(configuration.allowsMetadataFaults ? "metadata faults on" : "metadata faults off")
        parts.append("seed \(configuration.seed ?? 0)")
        return parts.joined(separator: "; ")
    }

    /// `10`, `2.5`.
    static func seconds(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000)" : "\(Double(ms) / 1000)"
    }
}
