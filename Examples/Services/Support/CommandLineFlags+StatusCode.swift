import RPCCore

extension CommandLineFlags {
    /// A non-OK gRPC status code (`--error-code UNAVAILABLE`, `unavailable` or `14`); throws
    /// naming the codes it accepts.
    public func errorCode(_ name: String, default defaultValue: Status.Code) throws(Error) -> Status.Code {
        guard has(name) else { return defaultValue }
        let text = string(name, default: "")
        let code = Int(text).flatMap(Status.Code.init(rawValue:))
            ?? Status.Code.allCases.first { $0.description == text.uppercased() }
        guard let code, code != .ok else {
            let names = Status.Code.allCases.filter { $0 != .ok }.map(\.description).joined(separator: ", ")
            throw Error(description: "--\(name) '\(text)' is not a non-OK status code; use one of \(names) (or its number)")
        }
        return code
    }
}
