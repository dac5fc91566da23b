// Mirrors Protos/echo/v1/echo.proto (package echo.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import ProtobufRPC
import RPCCore

extension Echo_V1_EchoServiceProtocol {
    /// Registers `Get`, `Expand`, `Collect` and `Update` with `router`.
    public func registerMethods(with router: inout RPCRouter) {
        router.registerUnary(
            Echo_V1_Echo.Method.Get.descriptor,
            deserializer: ProtobufDeserializer<Echo_V1_EchoRequest>(),
            serializer: ProtobufSerializer<Echo_V1_EchoResponse>()
        ) { request, context in
            try await self.get(request: request, context: context)
        }
        router.registerServerStreaming(
            Echo_V1_Echo.Method.Expand.descriptor,
            deserializer: ProtobufDeserializer<Echo_V1_EchoRequest>(),
            serializer: ProtobufSerializer<Echo_V1_EchoResponse>()
        ) { request, response, context in
            try await self.expand(request: request, response: response, context: context)
        }
        router.registerClientStreaming(
            Echo_V1_Echo.Method.Collect.descriptor,
            deserializer: ProtobufDeserializer<Echo_V1_EchoRequest>(),
            serializer: ProtobufSerializer<Echo_V1_EchoResponse>()
        ) { requests, metadata, context in
            try await self.collect(requests: requests, metadata: metadata, context: context)
        }
        router.registerStreaming(
            Echo_V1_Echo.Method.Update.descriptor,
            deserializer: ProtobufDeserializer<Echo_V1_EchoRequest>(),
            serializer: ProtobufSerializer<Echo_V1_EchoResponse>()
        ) { requests, metadata, response, context in
            try await self.update(requests: requests, metadata: metadata, response: response, context: context)
        }
    }
}
