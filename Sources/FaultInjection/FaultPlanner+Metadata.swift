import RPCCore

extension FaultPlanner {
    /// The faults a call's `x-fault-*` metadata asks for (see ``FaultMetadataKeys``).
    mutating func planFromMetadata(method: MethodDescriptor, metadata: Metadata) -> FaultDecision {
        var problems: [String] = []
        func value(_ key: String) -> String? {
            guard metadata.contains(key: key) else { return nil }
            return metadata.firstString(forKey: key) ?? ""
        }
        func integer(_ key: String, in range: ClosedRange<Int>, unit: String) -> Int? {
            guard let text = value(key) else { return nil }
            guard let number = Int(text.trimmingSpaces), range.contains(number) else {
                problems.append("\(key) '\(text)' is not \(unit) in \(range.lowerBound)...\(range.upperBound)")
                return nil
            }
            return number
        }
        func flag(_ key: String) -> Bool {
            guard let text = value(key) else { return false }
            switch text.trimmingSpaces.lowercased() {
            case "", "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default:
                problems.append("\(key) '\(text)' is not true or false")
                return false
            }
        }

        var code: Status.Code?
        if let text = value(FaultMetadataKeys.status) {
            code = Self.statusCode(text.trimmingSpaces)
            if code == nil {
                problems.append("\(FaultMetadataKeys.status) '\(text)' is not a non-OK status code name (e.g. UNAVAILABLE) or number (1...16)")
            }
        }
        let message = value(FaultMetadataKeys.message)
        let delayMilliseconds = integer(FaultMetadataKeys.delayMilliseconds, in: 0...3_600_000, unit: "a number of milliseconds")
        let failFirstN = integer(FaultMetadataKeys.failFirstN, in: 0...1_000_000, unit: "a count")
        let pushback = integer(FaultMetadataKeys.pushbackMilliseconds, in: 0...Int(Int32.max), unit: "a number of milliseconds")
        let key = value(FaultMetadataKeys.key) ?? method.path
        let hang = flag(FaultMetadataKeys.hang)
        let goAway = flag(FaultMetadataKeys.goAway)
        let drop = flag(FaultMetadataKeys.drop)
        var resetCode: TransportFault.ResetCode?
        if let text = value(FaultMetadataKeys.reset) {
            switch text.trimmingSpaces.lowercased() {
            case "", "true", "yes", "on": resetCode = .internalError
            case "false", "no", "off": resetCode = nil
            default:
                resetCode = TransportFault.ResetCode(name: text.trimmingSpaces)
                if resetCode == nil {
                    problems.append("\(FaultMetadataKeys.reset) '\(text)' is not true or an HTTP/2 error code name (e.g. REFUSED_STREAM) or number")
                }
            }
        }
        if failFirstN != nil, failFirstCounts[key] == nil, failFirstCounts.count >= Self.maxFaultKeys {
            problems.append("\(FaultMetadataKeys.key) '\(key)' is one more than the \(Self.maxFaultKeys) distinct keys this server remembers; reuse keys or restart the server")
        }
        guard problems.isEmpty else {
            let status = Status(code: .invalidArgument, message: "invalid fault metadata for \(method.path): " + problems.joined(separator: "; "))
            return FaultDecision(action: .fail(status, trailers: [:]), fromMetadata: true, invalidMetadata: true)
        }

        let delay = Duration.milliseconds(delayMilliseconds ?? 0)
        var faults: [FaultKind] = delay > .zero ? [.latency] : []
        let path = method.path
        let name = configuration.name
        let action: FaultDecision.Action
        if drop {
            action = .transport(.dropConnection, Status(code: .unavailable, message: "\(name) dropped the connection (\(FaultMetadataKeys.drop)) for \(path)"))
            faults.append(.drop)
        } else if goAway {
            action = .transport(.goAway, Status(code: .unavailable, message: "\(name) sent GOAWAY (\(FaultMetadataKeys.goAway)) for \(path)"))
            faults.append(.goAway)
        } else if let resetCode {
            action = .transport(.resetStream(resetCode), Status(code: .unavailable, message: "\(name) reset the stream (\(resetCode), \(FaultMetadataKeys.reset)) for \(path)"))
            faults.append(.reset)
        } else if hang {
            action = .hang
            faults.append(.hang)
        } else if let failFirstN {
            let failed = failFirstCounts[key, default: 0]
            if failed < failFirstN {
                failFirstCounts[key] = failed + 1
                let code = code ?? .unavailable
                let text = message ?? "\(name) injected \(code) into \(path): call \(failed + 1) of the first \(failFirstN) with \(FaultMetadataKeys.key) '\(key)'"
                action = .fail(Status(code: code, message: text), trailers: Self.pushback(pushback))
                faults.append(.error)
            } else {
                action = .proceed
            }
        } else if let code {
            let text = message ?? "\(name) injected \(code) into \(path) (\(FaultMetadataKeys.status))"
            action = .fail(Status(code: code, message: text), trailers: Self.pushback(pushback))
            faults.append(.error)
        } else {
            action = .proceed
        }
        return FaultDecision(delay: delay, action: action, faults: faults, fromMetadata: true)
    }

    /// A non-OK code from its name (any case) or number.
    static func statusCode(_ text: String) -> Status.Code? {
        let code = Int(text).flatMap(Status.Code.init(rawValue:))
            ?? Status.Code.allCases.first { $0.description == text.uppercased() }
        return code == .ok ? nil : code
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
