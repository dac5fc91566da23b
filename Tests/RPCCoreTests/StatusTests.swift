import Testing
import RPCCore

@Suite("Status and Status.Code")
struct StatusTests {
    static let expected: [(Int, Status.Code, String)] = [
        (0, .ok, "OK"),
        (1, .cancelled, "CANCELLED"),
        (2, .unknown, "UNKNOWN"),
        (3, .invalidArgument, "INVALID_ARGUMENT"),
        (4, .deadlineExceeded, "DEADLINE_EXCEEDED"),
        (5, .notFound, "NOT_FOUND"),
        (6, .alreadyExists, "ALREADY_EXISTS"),
        (7, .permissionDenied, "PERMISSION_DENIED"),
        (8, .resourceExhausted, "RESOURCE_EXHAUSTED"),
        (9, .failedPrecondition, "FAILED_PRECONDITION"),
        (10, .aborted, "ABORTED"),
        (11, .outOfRange, "OUT_OF_RANGE"),
        (12, .unimplemented, "UNIMPLEMENTED"),
        (13, .internal, "INTERNAL"),
        (14, .unavailable, "UNAVAILABLE"),
        (15, .dataLoss, "DATA_LOSS"),
        (16, .unauthenticated, "UNAUTHENTICATED"),
    ]

    @Test func seventeenCodesInOrder() {
        #expect(Status.Code.allCases.count == 17)
        #expect(Status.Code.allCases == Self.expected.map(\.1))
        #expect(Status.Code.allCases.map(\.rawValue) == Array(0...16))
    }

    @Test func rawValuesAndNames() {
        for (raw, code, name) in Self.expected {
            #expect(code.rawValue == raw)
            #expect(Status.Code(rawValue: raw) == code)
            #expect(code.description == name)
            #expect("\(code)" == name)
        }
    }

    @Test(arguments: [-1, 17, 100, Int.max, Int.min])
    func unknownRawValuesAreNil(_ raw: Int) {
        #expect(Status.Code(rawValue: raw) == nil)
    }

    @Test func statusDescription() {
        #expect(Status(code: .unavailable, message: "catalog is restarting").description == "UNAVAILABLE: catalog is restarting")
        #expect(Status(code: .notFound).description == "NOT_FOUND")
        #expect(Status.ok == Status(code: .ok, message: ""))
        #expect(Status.ok.description == "OK")
    }
}
