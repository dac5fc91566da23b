// Mirrors Protos/catalog/v1/catalog.proto (package catalog.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import ProtobufRPC
import RPCCore

extension Catalog_V1_CatalogServiceProtocol {
    /// Registers `GetProduct`, `GetRecommendations` and `ListProducts` with `router`.
    public func registerMethods(with router: inout RPCRouter) {
        router.registerUnary(
            Catalog_V1_Catalog.Method.GetProduct.descriptor,
            deserializer: ProtobufDeserializer<Catalog_V1_GetProductRequest>(),
            serializer: ProtobufSerializer<Catalog_V1_Product>()
        ) { request, context in
            try await self.getProduct(request: request, context: context)
        }
        router.registerUnary(
            Catalog_V1_Catalog.Method.GetRecommendations.descriptor,
            deserializer: ProtobufDeserializer<Catalog_V1_GetRecommendationsRequest>(),
            serializer: ProtobufSerializer<Catalog_V1_GetRecommendationsResponse>()
        ) { request, context in
            try await self.getRecommendations(request: request, context: context)
        }
        router.registerServerStreaming(
            Catalog_V1_Catalog.Method.ListProducts.descriptor,
            deserializer: ProtobufDeserializer<Catalog_V1_ListProductsRequest>(),
            serializer: ProtobufSerializer<Catalog_V1_Product>()
        ) { request, response, context in
            try await self.listProducts(request: request, response: response, context: context)
        }
    }
}
