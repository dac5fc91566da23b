import ExampleServices
import Protobuf
import ProtobufRPC
import RPCCore
import Testing

/// Collects what a handler writes.
private actor Written<Message: Sendable> {
    private(set) var messages: [Message] = []
    func append(_ message: Message) { messages.append(message) }
}

private func context(_ descriptor: MethodDescriptor) -> ServerContext {
    ServerContext(descriptor: descriptor, remotePeer: "test")
}

@Suite("EchoService")
struct EchoServiceTests {
    let service = EchoService()

    @Test("Get echoes the text")
    func get() async throws {
        let response = try await service.get(
            request: ServerRequest(message: Echo_V1_EchoRequest(text: "hello ☺")), context: context(Echo_V1_Echo.Method.Get.descriptor)
        )
        #expect(response.message == Echo_V1_EchoResponse(text: "hello ☺"))
    }

    @Test("Expand returns one response per word, indexed")
    func expand() async throws {
        let written = Written<Echo_V1_EchoResponse>()
        let trailers = try await service.expand(
            request: ServerRequest(message: Echo_V1_EchoRequest(text: "a  bc d")),
            response: RPCWriter { await written.append($0) },
            context: context(Echo_V1_Echo.Method.Expand.descriptor)
        )
        #expect(trailers.isEmpty)
        #expect(await written.messages == [
            Echo_V1_EchoResponse(text: "a", index: 0), Echo_V1_EchoResponse(text: "bc", index: 1), Echo_V1_EchoResponse(text: "d", index: 2),
        ])
    }

    @Test("Collect joins the texts with spaces")
    func collect() async throws {
        let response = try await service.collect(
            requests: .elements([Echo_V1_EchoRequest(text: "one"), Echo_V1_EchoRequest(text: "two"), Echo_V1_EchoRequest(text: "three")]),
            metadata: [:], context: context(Echo_V1_Echo.Method.Collect.descriptor)
        )
        #expect(response.message.text == "one two three")
        let none = try await service.collect(requests: .empty, metadata: [:], context: context(Echo_V1_Echo.Method.Collect.descriptor))
        #expect(none.message.text == "")
    }

    @Test("Update echoes each request")
    func update() async throws {
        let written = Written<Echo_V1_EchoResponse>()
        _ = try await service.update(
            requests: .elements([Echo_V1_EchoRequest(text: "x"), Echo_V1_EchoRequest(text: "y")]), metadata: [:],
            response: RPCWriter { await written.append($0) }, context: context(Echo_V1_Echo.Method.Update.descriptor)
        )
        #expect(await written.messages == [Echo_V1_EchoResponse(text: "x", index: 0), Echo_V1_EchoResponse(text: "y", index: 1)])
    }

    @Test("registers its four methods")
    func registration() {
        var router = RPCRouter()
        service.registerMethods(with: &router)
        #expect(Set(router.methods) == Set(Echo_V1_Echo.Method.descriptors))
        #expect(Echo_V1_Echo.Method.Get.descriptor.path == "/echo.v1.Echo/Get")
        #expect(Echo_V1_Echo.Method.Update.descriptor.path == "/echo.v1.Echo/Update")
    }

    @Test("the typed client reaches every method through the router")
    func typedClient() async throws {
        let echo = Echo_V1_EchoClient(wrapping: RPCClient(transport: LoopbackTransport(services: [EchoService()])))
        #expect(try await echo.get(Echo_V1_EchoRequest(text: "hi")).message.text == "hi")
        let expanded = try await echo.expand(Echo_V1_EchoRequest(text: "a b c"))
        #expect(try await expanded.collect().map(\.text) == ["a", "b", "c"])
        #expect(expanded.trailers == [:])
        let collected = try await echo.collect([Echo_V1_EchoRequest(text: "x"), Echo_V1_EchoRequest(text: "y")])
        #expect(collected.message.text == "x y")
        let updated = try await echo.update([Echo_V1_EchoRequest(text: "1"), Echo_V1_EchoRequest(text: "2")])
        #expect(try await updated.collect() == [Echo_V1_EchoResponse(text: "1", index: 0), Echo_V1_EchoResponse(text: "2", index: 1)])
    }
}

@Suite("CatalogService")
struct CatalogServiceTests {
    let service = CatalogService()

    private func getProduct(_ id: String) async throws -> Catalog_V1_Product {
        try await service.getProduct(
            request: ServerRequest(message: Catalog_V1_GetProductRequest(id: id)),
            context: context(Catalog_V1_Catalog.Method.GetProduct.descriptor)
        ).message
    }

    private func rpcError(_ body: () async throws -> Void) async -> RPCError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? RPCError
        }
    }

    @Test("holds ten products with distinct ids")
    func products() {
        #expect(CatalogService.sampleProducts.count == 10)
        #expect(Set(CatalogService.sampleProducts.map(\.id)).count == 10)
    }

    @Test("GetProduct returns the product with the id")
    func getProductFound() async throws {
        let product = try await getProduct("sku-1")
        #expect(product.name == "Harbour Kettle")
        #expect(product == CatalogService.sampleProducts[0])
    }

    @Test("GetProduct: NOT_FOUND for an unknown id, INVALID_ARGUMENT for an empty one")
    func getProductErrors() async {
        let missing = await rpcError { _ = try await getProduct("x") }
        #expect(missing?.code == .notFound)
        #expect(missing?.message == "no product with id 'x'")
        let empty = await rpcError { _ = try await getProduct("") }
        #expect(empty?.code == .invalidArgument)
    }

    @Test("GetRecommendations returns up to limit other products, most shared tags first")
    func recommendations() async throws {
        func recommend(_ id: String, _ limit: Int32) async throws -> [Catalog_V1_Product] {
            try await service.getRecommendations(
                request: ServerRequest(message: Catalog_V1_GetRecommendationsRequest(productID: id, limit: limit)),
                context: context(Catalog_V1_Catalog.Method.GetRecommendations.descriptor)
            ).message.products
        }
        let two = try await recommend("sku-1", 2)
        #expect(two.count == 2)
        #expect(!two.contains { $0.id == "sku-1" })
        #expect(two.map(\.id) == ["sku-2", "sku-4"])  // kitchen, then steel
        #expect(try await recommend("sku-1", 0).count == CatalogService.defaultRecommendationLimit)
        let all = try await recommend("sku-3", 100)
        #expect(all.count == 9)
        let missing = await rpcError { _ = try await recommend("nope", 1) }
        #expect(missing?.code == .notFound)
        let negative = await rpcError { _ = try await recommend("sku-1", -1) }
        #expect(negative?.code == .invalidArgument)
        let empty = await rpcError { _ = try await recommend("", 1) }
        #expect(empty?.code == .invalidArgument)
    }

    @Test("ListProducts streams the products, filtered by tag and page size")
    func listProducts() async throws {
        func list(_ request: Catalog_V1_ListProductsRequest) async throws -> [Catalog_V1_Product] {
            let written = Written<Catalog_V1_Product>()
            _ = try await service.listProducts(
                request: ServerRequest(message: request), response: RPCWriter { await written.append($0) },
                context: context(Catalog_V1_Catalog.Method.ListProducts.descriptor)
            )
            return await written.messages
        }
        #expect(try await list(.init()) == CatalogService.sampleProducts)
        #expect(try await list(.init(tag: "garden")).map(\.id) == ["sku-3", "sku-6", "sku-9"])
        #expect(try await list(.init(pageSize: 4)).count == 4)
        #expect(try await list(.init(tag: "none")).isEmpty)
        let negative = await rpcError { _ = try await list(.init(pageSize: -1)) }
        #expect(negative?.code == .invalidArgument)
    }

    @Test("the typed client reaches every method, errors included")
    func typedClient() async throws {
        let catalog = Catalog_V1_CatalogClient(wrapping: RPCClient(transport: LoopbackTransport(services: [CatalogService()])))
        #expect(try await catalog.getProduct(.init(id: "sku-4")).message.couponCode == "LIGHT15")
        let recommended = try await catalog.getRecommendations(.init(productID: "sku-6", limit: 1)).message.products
        #expect(recommended.map(\.id) == ["sku-3"])
        let listed = try await catalog.listProducts(.init(tag: "lighting")).collect()
        #expect(listed.map(\.id) == ["sku-4", "sku-9"])
        let missing = await rpcError { _ = try await catalog.getProduct(.init(id: "sku-404")) }
        #expect(missing?.code == .notFound)
        #expect(missing?.message == "no product with id 'sku-404'")
        let badStream = await rpcError { _ = try await catalog.listProducts(.init(pageSize: -2)).collect() }
        #expect(badStream?.code == .invalidArgument)
    }

    @Test("a request that does not decode ends the call with INTERNAL naming the problem")
    func undecodableRequest() async throws {
        let client = RPCClient(transport: LoopbackTransport(services: [CatalogService()]))
        let error = await rpcError {
            _ = try await client.unary(
                request: ClientRequest(message: [0x0A, 0x05, 0x61]),
                descriptor: Catalog_V1_Catalog.Method.GetProduct.descriptor
            )
        }
        #expect(error?.code == .internal)
        #expect(error?.message.contains("length 5 runs past the end of the input (1 byte left) at byte 1 of field 1 in catalog.v1.GetProductRequest") == true)
    }

    @Test("ProtobufSerializer and ProtobufDeserializer round-trip")
    func serializers() throws {
        let product = CatalogService.sampleProducts[3]
        let bytes = try ProtobufSerializer<Catalog_V1_Product>().serialize(product)
        #expect(try ProtobufDeserializer<Catalog_V1_Product>().deserialize(bytes) == product)
        #expect(throws: ProtobufDecodingError.self) { try ProtobufDeserializer<Catalog_V1_Product>().deserialize([0xFF]) }
    }
}
