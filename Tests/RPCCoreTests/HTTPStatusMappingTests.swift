import Testing
@testable import RPCCore

@Suite("HTTPStatusMapping")
struct HTTPStatusMappingTests {
    @Test(arguments: [
        (400, Status.Code.internal),
        (401, .unauthenticated),
        (403, .permissionDenied),
        (404, .unimplemented),
        (429, .unavailable),
        (502, .unavailable),
        (503, .unavailable),
        (504, .unavailable),
        (200, .unknown),
        (500, .unknown),
        (301, .unknown),
        (405, .unknown),
    ])
    func mapping(_ httpStatus: Int, _ expected: Status.Code) {
        #expect(HTTPStatusMapping.code(forHTTPStatus: httpStatus) == expected)
    }
}
