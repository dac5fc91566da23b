// Mirrors Protos/catalog/v1/catalog.proto (package catalog.v1).
// Hand-written in the shape protoc-gen-breakwater will generate; its output replaces this file.

import RPCCore

/// The `catalog.v1.Catalog` service: its name and method descriptors.
///
/// ```swift
/// Catalog_V1_Catalog.Method.GetProduct.descriptor.path   // "/catalog.v1.Catalog/GetProduct"
/// ```
public enum Catalog_V1_Catalog {
    /// The fully qualified service name.
    public static let serviceName = "catalog.v1.Catalog"

    /// The service's methods.
    public enum Method {
        /// `rpc GetProduct(GetProductRequest) returns (Product)`: unary.
        public enum GetProduct {
            public typealias Input = Catalog_V1_GetProductRequest
            public typealias Output = Catalog_V1_Product
            public static let descriptor = MethodDescriptor(service: Catalog_V1_Catalog.serviceName, method: "GetProduct")
        }

        /// `rpc GetRecommendations(GetRecommendationsRequest) returns (GetRecommendationsResponse)`: unary.
        public enum GetRecommendations {
            public typealias Input = Catalog_V1_GetRecommendationsRequest
            public typealias Output = Catalog_V1_GetRecommendationsResponse
            public static let descriptor = MethodDescriptor(service: Catalog_V1_Catalog.serviceName, method: "GetRecommendations")
        }

        /// `rpc ListProducts(ListProductsRequest) returns (stream Product)`: server-streaming.
        public enum ListProducts {
            public typealias Input = Catalog_V1_ListProductsRequest
            public typealias Output = Catalog_V1_Product
            public static let descriptor = MethodDescriptor(service: Catalog_V1_Catalog.serviceName, method: "ListProducts")
        }

        /// Every method's descriptor.
        public static let descriptors: [MethodDescriptor] = [
            GetProduct.descriptor, GetRecommendations.descriptor, ListProducts.descriptor,
        ]
    }

    /// The server protocol.
    public typealias ServiceProtocol = Catalog_V1_CatalogServiceProtocol
    /// The typed client.
    public typealias Client<Transport: ClientTransport> = Catalog_V1_CatalogClient<Transport>
}
