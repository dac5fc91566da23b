// Mirrors Protos/catalog/v1/catalog.proto (package catalog.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import RPCCore

/// The server side of `catalog.v1.Catalog`: implement it and pass the service to `RPCServer`.
public protocol Catalog_V1_CatalogServiceProtocol: RegistrableRPCService {
    /// `GetProduct` (unary).
    func getProduct(
        request: ServerRequest<Catalog_V1_GetProductRequest>, context: ServerContext
    ) async throws -> ServerResponse<Catalog_V1_Product>

    /// `GetRecommendations` (unary).
    func getRecommendations(
        request: ServerRequest<Catalog_V1_GetRecommendationsRequest>, context: ServerContext
    ) async throws -> ServerResponse<Catalog_V1_GetRecommendationsResponse>

    /// `ListProducts` (server-streaming): writes the products to `response`, returns the trailers.
    func listProducts(
        request: ServerRequest<Catalog_V1_ListProductsRequest>, response: RPCWriter<Catalog_V1_Product>, context: ServerContext
    ) async throws -> Metadata
}
