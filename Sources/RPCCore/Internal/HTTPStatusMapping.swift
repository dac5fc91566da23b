/// Maps an HTTP status to a gRPC code, for responses that carry no `grpc-status`
/// (gRPC's http-grpc-status-mapping.md).
package enum HTTPStatusMapping {
    package static func code(forHTTPStatus status: Int) -> Status.Code {
        switch status {
        case 400: .internal
        case 401: .unauthenticated
        case 403: .permissionDenied
        case 404: .unimplemented
        case 429, 502, 503, 504: .unavailable
        default: .unknown
        }
    }
}
