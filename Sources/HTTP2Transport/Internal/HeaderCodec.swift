import RPCCore

/// Converts between metadata and HTTP/2 header fields.
enum HeaderCodec {
    typealias Fields = [(String, String)]

    /// Headers the transport sets or that HTTP/2 forbids: never taken from, or given to, metadata.
    static let transportOwned: Set<String> = [
        "content-type", "te", "user-agent", "grpc-timeout", "grpc-accept-encoding", "grpc-encoding",
        "grpc-status", "grpc-message", "host", "connection", "keep-alive", "proxy-connection",
        "transfer-encoding", "upgrade",
    ]

    /// Headers hidden from received metadata (user-agent stays visible to server handlers).
    static let hiddenOnReceive: Set<String> = transportOwned.subtracting(["user-agent"])

    /// Header fields for custom metadata. Transport-owned keys are dropped; invalid keys or
    /// values throw INTERNAL naming the key.
    static func fields(from metadata: Metadata) throws(RPCError) -> Fields {
        var fields: Fields = []
        for element in metadata {
            let key = element.key
            if key.hasPrefix(":") || transportOwned.contains(key) { continue }
            guard isValidName(key) else {
                throw RPCError(code: .internal, message: "metadata key '\(key)' is not a valid header name; use lowercase a-z, 0-9, '-', '_' and '.'")
            }
            let isBinaryKey = key.hasSuffix("-bin")
            switch element.value {
            case .binary(let bytes):
                guard isBinaryKey else {
                    throw RPCError(code: .internal, message: "metadata key '\(key)' has a binary value; binary values need a key ending in '-bin'")
                }
                fields.append((key, Base64.encode(bytes)))
            case .string(let text):
                guard text.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else {
                    throw RPCError(code: .internal, message: "metadata value for '\(key)' has characters outside printable ASCII; send it as binary under a key ending in '-bin'")
                }
                fields.append((key, text))
            }
        }
        return fields
    }

    /// Metadata from received header fields, without pseudo-headers and transport-owned keys.
    /// `-bin` values are base64-decoded (a comma may join several); undecodable ones are dropped.
    static func metadata(from fields: Fields) -> Metadata {
        var metadata = Metadata()
        for (index, (name, value)) in fields.enumerated() {
            if name.hasPrefix(":") || hiddenOnReceive.contains(name) { continue }
            // Room for every field left at the first kept one: one allocation, none if none is kept.
            if metadata.isEmpty { metadata.reserveCapacity(fields.count - index) }
            if name.hasSuffix("-bin") {
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let trimmed = part.trimmingSpaces()
                    if let bytes = Base64.decode(trimmed) { metadata.addBinary(bytes, forKey: name) }
                }
            } else {
                metadata.addString(value, forKey: name)
            }
        }
        return metadata
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }

    static func first(_ name: String, in fields: Fields) -> String? {
        fields.first { $0.0 == name }?.1
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

/// How an HTTP/2 RST_STREAM error code ends a client call (grpc-wire-notes.md).
enum ResetMapping {
    static func error(forResetCode code: UInt32, path: String, peer: String, deadlinePassed: Bool) -> RPCError {
        switch code {
        case NGHTTP2.refusedStream:
            var error = RPCError(code: .unavailable, message: "\(peer) refused the stream for \(path) (REFUSED_STREAM); it was not processed and is safe to retry")
            error.wasNotProcessed = true
            return error
        case NGHTTP2.cancel:
            if deadlinePassed {
                return RPCError(code: .deadlineExceeded, message: "call to \(path) at \(peer) exceeded its deadline")
            }
            return RPCError(code: .cancelled, message: "\(peer) cancelled the stream for \(path) (RST_STREAM CANCEL)")
        case NGHTTP2.enhanceYourCalm:
            return RPCError(code: .resourceExhausted, message: "\(peer) reset the stream for \(path) with ENHANCE_YOUR_CALM; slow down")
        case NGHTTP2.inadequateSecurity:
            return RPCError(code: .permissionDenied, message: "\(peer) reset the stream for \(path) with INADEQUATE_SECURITY")
        case NGHTTP2.noError:
            return RPCError(code: .internal, message: "\(peer) closed the stream for \(path) without sending a gRPC status")
        default:
            return RPCError(code: .internal, message: "\(peer) reset the stream for \(path) with HTTP/2 error \(name(ofErrorCode: code)) (\(code))")
        }
    }

    static func name(ofErrorCode code: UInt32) -> String {
        let names = [
            "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
            "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
            "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
        ]
        return code < names.count ? names[Int(code)] : "UNKNOWN_ERROR"
    }
}
