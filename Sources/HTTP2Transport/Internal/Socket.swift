import CLinuxShims
import Glibc

/// A resolved socket address, built without any blocking name lookup.
struct SocketAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0
    var family: Int32 { Int32(storage.ss_family) }

    /// Why a target cannot be turned into a socket address.
    struct InvalidTarget: Error, CustomStringConvertible {
        var description: String
    }

    init(_ target: HTTP2Target) throws(InvalidTarget) {
        switch target {
        case .ipv4(let host, let port):
            guard (0...65535).contains(port) else {
                throw InvalidTarget(description: "port \(port) of \(target) is outside 0...65535")
            }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            let literal = host == "localhost" ? "127.0.0.1" : host
            guard inet_pton(AF_INET, literal, &address.sin_addr) == 1 else {
                throw InvalidTarget(description: "'\(host)' is not an IPv4 address such as 127.0.0.1 (host names other than localhost are not resolved)")
            }
            withUnsafeMutableBytes(of: &storage) { raw in
                withUnsafeBytes(of: &address) { raw.copyMemory(from: $0) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        case .ipv6(let host, let port):
            guard (0...65535).contains(port) else {
                throw InvalidTarget(description: "port \(port) of \(target) is outside 0...65535")
            }
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            let literal = host == "localhost" ? "::1" : host
            guard inet_pton(AF_INET6, literal, &address.sin6_addr) == 1 else {
                throw InvalidTarget(description: "'\(host)' is not an IPv6 address such as ::1 (host names other than localhost are not resolved)")
            }
            withUnsafeMutableBytes(of: &storage) { raw in
                withUnsafeBytes(of: &address) { raw.copyMemory(from: $0) }
            }
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        case .unixDomainSocket(let path):
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            let capacity = MemoryLayout.size(ofValue: address.sun_path)
            guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else {
                throw InvalidTarget(description: "unix socket path '\(path)' must be 1 to \(capacity - 1) bytes without NUL")
            }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: bytes)
            }
            withUnsafeMutableBytes(of: &storage) { raw in
                withUnsafeBytes(of: &address) { raw.copyMemory(from: $0) }
            }
            length = socklen_t(MemoryLayout<sockaddr_un>.size)
        }
    }

    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// The port of an IP address, 0 for others.
    var port: Int {
        withUnsafeBytes(of: storage) { raw in
            switch family {
            case AF_INET: Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
            case AF_INET6: Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
            default: 0
            }
        }
    }

    /// `127.0.0.1:53412`, `[::1]:53412` or `unix:/path`.
    var description: String {
        withUnsafeBytes(of: storage) { raw -> String in
            switch family {
            case AF_INET:
                var address = raw.load(as: sockaddr_in.self)
                var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                inet_ntop(AF_INET, &address.sin_addr, &text, socklen_t(text.count))
                return "\(cText(text)):\(port)"
            case AF_INET6:
                var address = raw.load(as: sockaddr_in6.self)
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                inet_ntop(AF_INET6, &address.sin6_addr, &text, socklen_t(text.count))
                return "[\(cText(text))]:\(port)"
            case AF_UNIX:
                let address = raw.load(as: sockaddr_un.self)
                let path = withUnsafeBytes(of: address.sun_path) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                return "unix:\(path)"
            default:
                return "unknown"
            }
        }
    }
}

/// A NUL-terminated C character buffer as a String.
func cText(_ chars: [CChar]) -> String {
    String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Thin wrappers over non-blocking socket system calls.
enum Socket {
    static let streamType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)

    static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        var chars: [CChar] = []
        var pointer = text
        while pointer.pointee != 0 { chars.append(pointer.pointee); pointer += 1 }
        return cText(chars)
    }

    static func setNoDelay(_ fd: Int32, family: Int32) {
        guard family == AF_INET || family == AF_INET6 else { return }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    static func pendingError(_ fd: Int32) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &value, &length) != 0 { return errno }
        return value
    }

    static func localAddress(_ fd: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return result == 0 ? SocketAddress(storage: storage, length: length) : nil
    }

    static func peerAddress(_ fd: Int32) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        return result == 0 ? SocketAddress(storage: storage, length: length) : nil
    }
}
