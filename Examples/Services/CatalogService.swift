import RPCCore

/// The example `catalog.v1.Catalog` service over an in-memory list of products.
///
/// - `GetProduct`: the product with the id; INVALID_ARGUMENT for an empty id, NOT_FOUND for an
///   unknown one.
/// - `GetRecommendations`: up to `limit` (default 3) other products, those sharing the most
///   tags with the given one first; INVALID_ARGUMENT for an empty id or a negative limit,
///   NOT_FOUND for an unknown id.
/// - `ListProducts`: streams the products (only those with `tag` when it is set), at most
///   `page_size` of them when it is positive; INVALID_ARGUMENT for a negative page size.
///
/// ```swift
/// let server = RPCServer(transport: transport, services: [CatalogService()])
/// ```
public struct CatalogService: Catalog_V1_CatalogServiceProtocol {
    /// The number of recommendations when the request's limit is 0.
    public static let defaultRecommendationLimit = 3

    /// The products served, in listing order.
    public let products: [Catalog_V1_Product]

    /// A catalog of `products` (by default ``sampleProducts``, ten products).
    public init(products: [Catalog_V1_Product] = CatalogService.sampleProducts) {
        self.products = products
    }

    public func getProduct(
        request: ServerRequest<Catalog_V1_GetProductRequest>, context: ServerContext
    ) async throws -> ServerResponse<Catalog_V1_Product> {
        ServerResponse(message: try product(withID: request.message.id, field: "id"))
    }

    public func getRecommendations(
        request: ServerRequest<Catalog_V1_GetRecommendationsRequest>, context: ServerContext
    ) async throws -> ServerResponse<Catalog_V1_GetRecommendationsResponse> {
        let limit = request.message.limit
        guard limit >= 0 else {
            throw RPCError(code: .invalidArgument, message: "limit must not be negative, got \(limit)")
        }
        let product = try product(withID: request.message.productID, field: "product_id")
        let tags = Set(product.tags)
        let others = products.enumerated()
            .filter { $0.element.id != product.id }
            .map { (offset: $0.offset, product: $0.element, shared: tags.intersection($0.element.tags).count) }
            .sorted { $0.shared != $1.shared ? $0.shared > $1.shared : $0.offset < $1.offset }
            .map(\.product)
        let count = limit == 0 ? Self.defaultRecommendationLimit : Int(limit)
        return ServerResponse(message: Catalog_V1_GetRecommendationsResponse(products: Array(others.prefix(count))))
    }

    public func listProducts(
        request: ServerRequest<Catalog_V1_ListProductsRequest>, response: RPCWriter<Catalog_V1_Product>, context: ServerContext
    ) async throws -> Metadata {
        let pageSize = request.message.pageSize
        guard pageSize >= 0 else {
            throw RPCError(code: .invalidArgument, message: "page_size must not be negative, got \(pageSize)")
        }
        let tag = request.message.tag
        var matching = products.filter { tag.isEmpty || $0.tags.contains(tag) }
        if pageSize > 0 { matching = Array(matching.prefix(Int(pageSize))) }
        for product in matching {
            try Task.checkCancellation()
            try await response.write(product)
        }
        return [:]
    }

    private func product(withID id: String, field: String) throws -> Catalog_V1_Product {
        guard !id.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "\(field) must not be empty")
        }
        guard let product = products.first(where: { $0.id == id }) else {
            throw RPCError(code: .notFound, message: "no product with id '\(id)'")
        }
        return product
    }
}
