import ExampleServices
import Protobuf

/// A message built the same way in Swift (here) and in Python (`compatibilityScript`), by name.
struct CompatibilitySample: Sendable {
    let name: String
    let encoded: [UInt8]
    /// Decodes `bytes` as the sample's type and tells whether it equals the sample.
    let decodesToSample: @Sendable ([UInt8]) throws -> Bool

    init<M: ProtobufMessage>(_ name: String, _ message: M) {
        self.name = name
        self.encoded = message.serializedBytes()
        self.decodesToSample = { bytes in try M(serializedBytes: bytes) == message }
    }
}

func makeFullProduct() -> Catalog_V1_Product {
    Catalog_V1_Product(
        id: "sku-42", name: "Harbour Kettle ☺ 😈", priceCents: 4_999, tags: ["kitchen", "steel", ""],
        stock: 12, availability: .inStock,
        attributes: ["colour": "silver", "capacity": "1.7 l", "": "empty key", "zeta": "", "Émigré": "é"],
        ratings: [5, 4, 0, -3, 300],
        dimensions: .init(widthCm: 22.5, heightCm: -0.0, depthCm: 1e-300, weightKg: 1.25),
        promotion: .couponCode("SAVE10"), featured: true, thumbnail: [0, 1, 0x7F, 0x80, 0xFF]
    )
}

let compatibilitySamples: [CompatibilitySample] = {
    var scalarsMax = WireTest_Scalars()
    scalarsMax.i32 = .max
    scalarsMax.i64 = .max
    scalarsMax.u32 = .max
    scalarsMax.u64 = .max
    scalarsMax.s32 = .max
    scalarsMax.s64 = .max
    scalarsMax.f32 = .max
    scalarsMax.f64 = .max
    scalarsMax.sf32 = .max
    scalarsMax.sf64 = .max
    scalarsMax.fl = .greatestFiniteMagnitude
    scalarsMax.db = .greatestFiniteMagnitude
    scalarsMax.b = true
    scalarsMax.color = .blue
    scalarsMax.high = .max

    var scalarsMin = WireTest_Scalars()
    scalarsMin.i32 = .min
    scalarsMin.i64 = .min
    scalarsMin.s32 = .min
    scalarsMin.s64 = .min
    scalarsMin.sf32 = .min
    scalarsMin.sf64 = .min
    scalarsMin.fl = -.infinity
    scalarsMin.db = -.leastNonzeroMagnitude
    scalarsMin.color = .negative
    scalarsMin.opt = 0
    scalarsMin.choice = .oI32(0)

    var small = WireTest_Scalars()
    small.i32 = -1
    small.i64 = -1
    small.u32 = 1
    small.u64 = 127
    small.s32 = -1
    small.s64 = 1
    small.f32 = 1
    small.f64 = 1
    small.sf32 = -1
    small.sf64 = -1
    small.fl = -0.0
    small.db = .infinity
    small.s = "a\u{0}b"
    small.by = [0]
    small.color = .unrecognized(77)
    small.high = 1

    var repeated = WireTest_Scalars()
    repeated.rI32 = [0, 1, -1, .max, .min, 128, 16_384]
    repeated.rS64 = [0, -1, 1, .max, .min]
    repeated.rF32 = [0, 1, .max]
    repeated.rDb = [0, -0.0, 1.5, -.infinity, .pi]
    repeated.rB = [true, false, true]
    repeated.rColor = [.red, .negative, .unrecognized(9), .unspecified]
    repeated.unpackedI64 = [0, -1, 1 << 40]
    repeated.rS = ["", "x", "ü"]
    repeated.rBy = [[], [1, 2]]
    repeated.child = WireTest_Inner()
    repeated.children = [WireTest_Inner(a: 1, b: "one"), WireTest_Inner(), WireTest_Inner(a: -2)]
    repeated.choice = .oMsg(WireTest_Inner(a: 3, b: "three"))

    var maps = WireTest_Scalars()
    maps.mI32 = [0: "", -1: "minus one", 300: "three hundred", .min: "min", .max: "max"]
    maps.mMsg = ["b": WireTest_Inner(a: 2), "a": WireTest_Inner(), "ab": WireTest_Inner(b: "x"), "": WireTest_Inner(a: 9)]
    maps.mBool = [true: -5, false: 0]
    maps.mS64 = [-2: 1, 2: 0, .min: .max, 0: 7]
    maps.choice = .oS("")

    var negativeProduct = Catalog_V1_Product(id: "neg")
    negativeProduct.stock = -1
    negativeProduct.priceCents = .min
    negativeProduct.discountPercent = .min
    negativeProduct.availability = .unrecognized(99)
    negativeProduct.dimensions = .init()
    negativeProduct.ratings = [-1]

    var zeroDiscount = Catalog_V1_Product()
    zeroDiscount.discountPercent = 0

    return [
        CompatibilitySample("echo_request", Echo_V1_EchoRequest(text: "hello, world ☺ 😈")),
        CompatibilitySample("echo_request_empty", Echo_V1_EchoRequest()),
        CompatibilitySample("echo_response", Echo_V1_EchoResponse(text: "x", index: 7)),
        CompatibilitySample("product_full", makeFullProduct()),
        CompatibilitySample("product_negative", negativeProduct),
        CompatibilitySample("product_zero_discount", zeroDiscount),
        CompatibilitySample("recommendations", Catalog_V1_GetRecommendationsResponse(products: [
            makeFullProduct(), Catalog_V1_Product(), Catalog_V1_Product(id: "b", ratings: [1, 2]),
        ])),
        CompatibilitySample("recommendations_request", Catalog_V1_GetRecommendationsRequest(productID: "sku-1", limit: 5)),
        CompatibilitySample("list_request", Catalog_V1_ListProductsRequest(tag: "garden", pageSize: 2)),
        CompatibilitySample("get_product_request", Catalog_V1_GetProductRequest(id: "sku-1")),
        CompatibilitySample("scalars_max", scalarsMax),
        CompatibilitySample("scalars_min", scalarsMin),
        CompatibilitySample("scalars_small", small),
        CompatibilitySample("scalars_repeated", repeated),
        CompatibilitySample("scalars_maps", maps),
        CompatibilitySample("scalars_empty", WireTest_Scalars()),
    ]
}()
