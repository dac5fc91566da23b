// Mirrors Protos/catalog/v1/catalog.proto (package catalog.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import ProtobufRPC
import RPCCore

/// A typed client for `catalog.v1.Catalog`.
///
/// ```swift
/// let catalog = Catalog_V1_CatalogClient(wrapping: RPCClient(transport: transport))
/// let product = try await catalog.getProduct(Catalog_V1_GetProductRequest(id: "sku-1")).message
/// ```
public struct Catalog_V1_CatalogClient<Transport: ClientTransport>: Sendable {
    /// The untyped client calls go through (with its interceptors).
    public let client: RPCClient<Transport>

    /// Wraps `client`.
    public init(wrapping client: RPCClient<Transport>) {
        self.client = client
    }

    /// `GetProduct` (unary). Throws `RPCError` for a non-OK status.
    public func getProduct(
        _ request: Catalog_V1_GetProductRequest, metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> ClientResponse<Catalog_V1_Product> {
        try await client.unary(
            request: ClientRequest(message: request, metadata: metadata),
            descriptor: Catalog_V1_Catalog.Method.GetProduct.descriptor,
            serializer: ProtobufSerializer<Catalog_V1_GetProductRequest>(),
            deserializer: ProtobufDeserializer<Catalog_V1_Product>(),
            options: options
        )
    }

    /// `GetRecommendations` (unary). Throws `RPCError` for a non-OK status.
    public func getRecommendations(
        _ request: Catalog_V1_GetRecommendationsRequest, metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> ClientResponse<Catalog_V1_GetRecommendationsResponse> {
        try await client.unary(
            request: ClientRequest(message: request, metadata: metadata),
            descriptor: Catalog_V1_Catalog.Method.GetRecommendations.descriptor,
            serializer: ProtobufSerializer<Catalog_V1_GetRecommendationsRequest>(),
            deserializer: ProtobufDeserializer<Catalog_V1_GetRecommendationsResponse>(),
            options: options
        )
    }

    /// `ListProducts` (server-streaming): the response stream, once its headers arrive.
    public func listProducts(
        _ request: Catalog_V1_ListProductsRequest, metadata: Metadata = [:], options: CallOptions = .defaults
    ) async throws -> ProtobufResponseStream<Catalog_V1_Product> {
        try await client.serverStreaming(
            request: ClientRequest(message: request, metadata: metadata),
            descriptor: Catalog_V1_Catalog.Method.ListProducts.descriptor,
            responseType: Catalog_V1_Product.self,
            options: options
        )
    }
}
