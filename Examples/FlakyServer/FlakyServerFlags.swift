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
    /// The flags that make a flaky phase inject something.
    static let faultFlags = [
        "error-rate", "latency-ms", "tail-rate", "tail-ms", "hang-rate", "reset-rate", "goaway-rate", "drop-rate",
        "outage-after-s", "outage-for-s",
    ]

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
          --host      an IPv4 or IPv6 address, or localhost
          --seed      0...18446744073709551615
          --run-for-s stop gracefully after S seconds; 0 (the default): run for ever, until SIGINT or SIGTERM
          --method    a served service or method, with its leading '/': /echo.v1.Echo, /catalog.v1.Catalog/GetProduct
          Without --phases the fault flags apply all the time; with it, only in 'flaky' phases, which
          need at least one fault flag ('healthy': no faults, 'outage': every call fails UNAVAILABLE;
          the last phase lasts for ever).
        """

    var host = "127.0.0.1"
    var port = 50051
    var runFor = Duration.zero
    var quiet = false
    var configuration: FaultInjectionInterceptor.Configuration

    /// Whether `arguments` ask for the usage (read before, and whatever, the other flags say).
    static func asksForHelp(_ arguments: [String]) -> Bool {
        CommandLineFlags(arguments, known: valueFlags, switches: switches).has("help")
    }

    /// Parses `arguments`; throws a ``CommandLineFlags/Error`` listing every bad flag (unknown
    /// and repeated ones too). `served`: the methods the server serves, which `--method` must
    /// name one of.
    init(_ arguments: [String], served: [MethodDescriptor]) throws {
        var problems: [String] = []
        let flags = CommandLineFlags(arguments, known: Self.valueFlags, switches: Self.switches)
        quiet = flags.has("quiet")

        func attempt<T>(_ body: () throws -> T) -> T? {
            do { return try body() } catch { problems.append("\(error)"); return nil }
        }
        func rate(_ name: String) -> Double {
            attempt { try flags.rate(name) } ?? 0
        }
        func integer(_ name: String, default value: Int, in range: ClosedRange<Int>) -> Int {
            attempt { try flags.int(name, default: value, in: range) } ?? value
        }

        host = attempt { try flags.host(default: "127.0.0.1") } ?? "127.0.0.1"
        port = integer("port", default: 50051, in: 0...65535)
        let seed = attempt { try flags.seed(default: 1) } ?? 1
        runFor = attempt { try flags.seconds("run-for-s", default: 0) } ?? .zero

        var rule = FaultRule()
        if flags.has("method") {
            let text = flags.string("method", default: "")
            switch Self.scope(text, served: served) {
            case .success(let scope): rule.scope = scope
            case .failure(let problem): problems.append(problem.description)
            }
        }
        let problemsBeforeFaults = problems.count
        rule.errorRate = rate("error-rate")
        if let code = attempt({ try flags.errorCode("error-code", default: .unavailable) }) { rule.errorCode = code }
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
                problems.append("--latency-ms expects N or A-B milliseconds with 0 <= A <= B <= 3600000, got '\(text)'")
            }
        }
        if flags.has("tail-rate") || flags.has("tail-ms") {
            if flags.has("tail-rate") != flags.has("tail-ms") {
                problems.append("--tail-rate and --tail-ms go together (the fraction of calls in the tail and their latency)")
            } else {
                let tailRate = rate("tail-rate")
                let tailMS = integer("tail-ms", default: 0, in: 0...3_600_000)
                rule.latency = (rule.latency ?? .fixed(.zero)).withTail(rate: tailRate, latency: .milliseconds(tailMS))
            }
        }
        rule.hangRate = rate("hang-rate")
        rule.resetRate = rate("reset-rate")
        let resetName = flags.string("reset-code", default: "INTERNAL_ERROR")
        if let resetCode = TransportFault.ResetCode(name: resetName), resetCode.rawValue < TransportFault.ResetCode.names.count {
            rule.resetCode = resetCode
        } else {
            problems.append("--reset-code '\(resetName)' is not an HTTP/2 error code name (e.g. REFUSED_STREAM) or number in 0...13")
        }
        rule.goAwayRate = rate("goaway-rate")
        rule.dropRate = rate("drop-rate")
        if flags.has("outage-after-s") || flags.has("outage-for-s") || flags.has("outage-every-s") {
            if !flags.has("outage-after-s") { problems.append("--outage-for-s or --outage-every-s needs --outage-after-s (when the outage starts)") }
            if !flags.has("outage-for-s") { problems.append("--outage-after-s needs --outage-for-s (how long the outage lasts)") }
            let start = attempt { try flags.seconds("outage-after-s", default: 0) }
            let length = attempt { try flags.seconds("outage-for-s", default: 1, in: 0.001...3600) }
            let period = flags.has("outage-every-s") ? attempt { try flags.seconds("outage-every-s", default: 0, in: 0.001...86_400) } : nil
            if let length, let period, period <= length {
                problems.append("--outage-every-s (\(period)) must be longer than --outage-for-s (\(length))")
            }
            if let start, let length {
                rule.outage = OutageWindow(start: start, length: length, period: period)
            }
        }

        // Flags that only qualify another fault do nothing alone: said, not silently dropped.
        let hasOutage = flags.has("outage-after-s") || flags.string("phases", default: "").contains("outage")
        if flags.has("pushback-ms"), !flags.has("error-rate"), !hasOutage {
            problems.append("--pushback-ms does nothing alone: it is sent with injected errors (--error-rate) and outage failures")
        }
        if flags.has("error-code"), !flags.has("error-rate") {
            problems.append("--error-code does nothing without --error-rate (the fraction of calls that fail with it)")
        }
        if flags.has("reset-code"), !flags.has("reset-rate") {
            problems.append("--reset-code does nothing without --reset-rate (the fraction of calls reset with it)")
        }

        let faultFlagsAreValid = problems.count == problemsBeforeFaults
        var rules = rule.isEmpty ? [] : [rule]
        var phases: [FaultPhase] = []
        if flags.has("phases") {
            let text = flags.string("phases", default: "")
            for item in text.split(separator: ",", omittingEmptySubsequences: false) {
                let parts = item.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count == 2, let seconds = Double(parts[1]), seconds.isFinite, seconds >= 0.001, seconds <= 86_400 else {
                    problems.append("--phases item '\(item)' is not NAME:SECONDS with 0.001 <= SECONDS <= 86400 (e.g. flaky:10)")
                    continue
                }
                let duration = Duration.milliseconds(Int64((seconds * 1000).rounded()))
                switch parts[0] {
                case "healthy": phases.append(FaultPhase(name: "healthy", duration: duration))
                case "flaky": phases.append(FaultPhase(name: "flaky", duration: duration, rules: rules))
                case "outage":
                    // Scoped like the fault flags: `--method` limits the outage too.
                    let outage = FaultRule(scope: rule.scope, outage: .always, pushbackMilliseconds: rule.pushbackMilliseconds)
                    phases.append(FaultPhase(name: "outage", duration: duration, rules: [outage]))
                default:
                    problems.append("--phases has phase '\(parts[0])'; phases are healthy, flaky and outage")
                }
            }
            // A flaky phase without faults is a mistake (it would be a healthy one); only said
            // when the fault flags themselves were fine, else that problem is the one to fix.
            if phases.contains(where: { $0.name == "flaky" }), rule.isEmpty, faultFlagsAreValid {
                problems.append(
                    "--phases has a flaky phase but it has no faults to inject; give fault flags for it: "
                        + Self.faultFlags.map { "--\($0)" }.joined(separator: ", ")
                )
            }
            // The fault flags apply only in flaky phases: without one they would do nothing.
            if !phases.contains(where: { $0.name == "flaky" }), !rule.isEmpty, faultFlagsAreValid {
                problems.append("--phases has no flaky phase, so the fault flags would do nothing; add one (e.g. flaky:10) or drop them")
            }
            rules = []
        }
        try flags.finish(problems)
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
            // The outage rule is said when it is more than "every call fails": scoped or with pushback.
            if let outage = configuration.phases.first(where: { $0.name == "outage" })?.rules.first,
               outage.scope != .all || outage.pushbackMilliseconds != nil {
                parts.append("outage: \(outage)")
            }
        }
        parts.append(configuration.allowsMetadataFaults ? "metadata faults on" : "metadata faults off")
        parts.append("seed \(configuration.seed ?? 0)")
        return parts.joined(separator: "; ")
    }

    /// The scope `--method` names: `/pkg.Service` or `/pkg.Service/Method`, with the leading
    /// slash, of a service (and method) in `served`; else the problem, listing what is served.
    static func scope(_ text: String, served: [MethodDescriptor]) -> Result<FaultRule.Scope, CommandLineFlags.Error> {
        let services = Dictionary(grouping: served, by: \.service)
        let listing = services.keys.sorted().map { service in
            "/\(service) (\(services[service, default: []].map(\.method).sorted().joined(separator: ", ")))"
        }.joined(separator: "; ")
        func problem(_ what: String) -> Result<FaultRule.Scope, CommandLineFlags.Error> {
            .failure(CommandLineFlags.Error(description: "--method '\(text)' \(what); flaky-server serves \(listing)"))
        }
        guard text.hasPrefix("/"), let scope = FaultRule.Scope(parsing: text) else {
            return problem("is not /pkg.Service/Method or /pkg.Service (with the leading '/')")
        }
        switch scope {
        case .all:
            return .success(scope)
        case .service(let service):
            return services[service] == nil ? problem("names a service flaky-server does not serve") : .success(scope)
        case .method(let method):
            if services[method.service] == nil { return problem("names a service flaky-server does not serve") }
            return served.contains(method) ? .success(scope) : problem("names a method \(method.service) does not have")
        }
    }

    /// `10`, `2.5`.
    static func seconds(_ duration: Duration) -> String {
        let ms = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return ms % 1000 == 0 ? "\(ms / 1000)" : "\(Double(ms) / 1000)"
    }
}
