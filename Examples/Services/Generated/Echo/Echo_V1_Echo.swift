// Mirrors Protos/echo/v1/echo.proto (package echo.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import RPCCore

/// The `echo.v1.Echo` service: its name and method descriptors.
///
/// ```swift
/// Echo_V1_Echo.Method.Get.descriptor.path   // "/echo.v1.Echo/Get"
/// ```
public enum Echo_V1_Echo {
    /// The fully qualified service name.
    public static let serviceName = "echo.v1.Echo"

    /// The service's methods.
    public enum Method {
        /// `rpc Get(EchoRequest) returns (EchoResponse)`: unary.
        public enum Get {
            public typealias Input = Echo_V1_EchoRequest
            public typealias Output = Echo_V1_EchoResponse
            public static let descriptor = MethodDescriptor(service: Echo_V1_Echo.serviceName, method: "Get")
        }

        /// `rpc Expand(EchoRequest) returns (stream EchoResponse)`: server-streaming.
        public enum Expand {
            public typealias Input = Echo_V1_EchoRequest
            public typealias Output = Echo_V1_EchoResponse
            public static let descriptor = MethodDescriptor(service: Echo_V1_Echo.serviceName, method: "Expand")
        }

        /// `rpc Collect(stream EchoRequest) returns (EchoResponse)`: client-streaming.
        public enum Collect {
            public typealias Input = Echo_V1_EchoRequest
            public typealias Output = Echo_V1_EchoResponse
            public static let descriptor = MethodDescriptor(service: Echo_V1_Echo.serviceName, method: "Collect")
        }

        /// `rpc Update(stream EchoRequest) returns (stream EchoResponse)`: bidirectional.
        public enum Update {
            public typealias Input = Echo_V1_EchoRequest
            public typealias Output = Echo_V1_EchoResponse
            public static let descriptor = MethodDescriptor(service: Echo_V1_Echo.serviceName, method: "Update")
        }

        /// Every method's descriptor.
        public static let descriptors: [MethodDescriptor] = [
            Get.descriptor, Expand.descriptor, Collect.descriptor, Update.descriptor,
        ]
    }

    /// The server protocol.
    public typealias ServiceProtocol = Echo_V1_EchoServiceProtocol
    /// The typed client.
    public typealias Client<Transport: ClientTransport> = Echo_V1_EchoClient<Transport>
}
