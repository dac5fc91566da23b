import RPCCore

extension FaultPlanner {
    /// The faults a call's `x-fault-*` metadata asks for (see ``FaultMetadataKeys``). Metadata
    /// that is not exactly one clear request (an unknown or repeated key, a bad value, a key
    /// that does nothing alone, two faults that exclude each other) fails the call with
    /// INVALID_ARGUMENT naming every problem: a typo must not silently mean "no fault".
    mutating func planFromMetadata(method: MethodDescriptor, metadata: Metadata) -> FaultDecision {
        var problems: [String] = []

        // Every x-fault-* key, in order of first appearance, and how often it is given.
        var keys: [String] = []
        var counts: [String: Int] = [:]
        for element in metadata where element.key.hasPrefix(FaultMetadataKeys.prefix) {
            if counts[element.key] == nil { keys.append(element.key) }
            counts[element.key, default: 0] += 1
        }
        let unknown = keys.filter { !FaultMetadataKeys.all.contains($0) }
        if !unknown.isEmpty {
            let named = unknown.count == 1 ? "unknown key \(unknown[0])" : "unknown keys \(unknown.joined(separator: ", "))"
            problems.append("\(named); the known keys are \(FaultMetadataKeys.all.joined(separator: ", "))")
        }
        for key in keys where counts[key, default: 0] > 1 {
            problems.append("\(key) is given \(counts[key, default: 0]) times; give it once")
        }

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
            guard let on = Self.boolean(text) else {
                problems.append("\(key) '\(text)' is not true or false (true, 1, yes, on or empty; false, 0, no, off)")
                return false
            }
            return on
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
        let givenKey = value(FaultMetadataKeys.key)
        let key = givenKey ?? method.path
        let hang = flag(FaultMetadataKeys.hang)
        let goAway = flag(FaultMetadataKeys.goAway)
        let drop = flag(FaultMetadataKeys.drop)
        var resetCode: TransportFault.ResetCode?
        if let text = value(FaultMetadataKeys.reset) {
            switch Self.resetCode(text.trimmingSpaces) {
            case .some(let parsed): resetCode = parsed
            case .none:
                problems.append(
                    "\(FaultMetadataKeys.reset) '\(text)' is not true or false, an HTTP/2 error code name (e.g. REFUSED_STREAM) or a number in 2...13"
                )
            }
        }

        // Keys that only shape an injected error, and the one that only names a fail-first-n counter.
        let failsWithStatus = metadata.contains(key: FaultMetadataKeys.status) || metadata.contains(key: FaultMetadataKeys.failFirstN)
        for needy in [FaultMetadataKeys.message, FaultMetadataKeys.pushbackMilliseconds] where metadata.contains(key: needy) && !failsWithStatus {
            let what = needy == FaultMetadataKeys.message ? "the injected status's message" : "sent with the injected status"
            problems.append("\(needy) does nothing alone (it is \(what)); add \(FaultMetadataKeys.status) or \(FaultMetadataKeys.failFirstN)")
        }
        if givenKey != nil, !metadata.contains(key: FaultMetadataKeys.failFirstN) {
            problems.append("\(FaultMetadataKeys.key) does nothing alone (it names the counter of \(FaultMetadataKeys.failFirstN)); add \(FaultMetadataKeys.failFirstN)")
        }

        // One call gets one fault; only the delay combines with the others.
        var asked: [String] = [FaultMetadataKeys.status, FaultMetadataKeys.failFirstN].filter { metadata.contains(key: $0) }
        if hang { asked.append(FaultMetadataKeys.hang) }
        if resetCode != nil { asked.append(FaultMetadataKeys.reset) }
        if goAway { asked.append(FaultMetadataKeys.goAway) }
        if drop { asked.append(FaultMetadataKeys.drop) }
        let kinds = (failsWithStatus ? 1 : 0) + [hang, resetCode != nil, goAway, drop].filter { $0 }.count
        if kinds > 1 {
            problems.append(
                "\(asked.joined(separator: ", ")) ask for conflicting faults; a call gets one of an error (\(FaultMetadataKeys.status) "
                    + "and/or \(FaultMetadataKeys.failFirstN)), \(FaultMetadataKeys.hang), \(FaultMetadataKeys.reset), "
                    + "\(FaultMetadataKeys.goAway) or \(FaultMetadataKeys.drop), plus \(FaultMetadataKeys.delayMilliseconds) with any"
            )
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

    /// `true`, `1`, `yes`, `on` or empty; `false`, `0`, `no`, `off` (any case); `nil` otherwise.
    static func boolean(_ text: String) -> Bool? {
        switch text.trimmingSpaces.lowercased() {
        case "", "true", "1", "yes", "on": true
        case "false", "0", "no", "off": false
        default: nil
        }
    }

    /// `x-fault-reset`'s value: a boolean (true: INTERNAL_ERROR; false: `.some(nil)`, no reset),
    /// a code name, or a number in 2...13 (0 and 1 are booleans); `nil` when it is none of these.
    static func resetCode(_ text: String) -> TransportFault.ResetCode?? {
        if let on = boolean(text) { return .some(on ? .internalError : nil) }
        if let number = Int(text) {
            return (2...13).contains(number) ? .some(TransportFault.ResetCode(rawValue: UInt32(number))) : nil
        }
        guard TransportFault.ResetCode.names.contains(text.uppercased()) else { return nil }
        return .some(TransportFault.ResetCode(name: text))
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
