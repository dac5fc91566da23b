extension CatalogService {
    /// Ten sample products, with every field of `Product` used by some of them.
    public static let sampleProducts: [Catalog_V1_Product] = [
        Catalog_V1_Product(
            id: "sku-1", name: "Harbour Kettle", priceCents: 4_999, tags: ["kitchen", "steel"], stock: 12,
            availability: .inStock, attributes: ["colour": "silver", "capacity": "1.7 l"], ratings: [5, 4, 5],
            dimensions: .init(widthCm: 22, heightCm: 25.5, depthCm: 16, weightKg: 1.2), featured: true
        ),
        Catalog_V1_Product(
            id: "sku-2", name: "Tide Mug", priceCents: 1_250, tags: ["kitchen", "ceramic"], stock: 140,
            availability: .inStock, attributes: ["colour": "blue"], ratings: [4, 4, 3, 5],
            promotion: .discountPercent(10)
        ),
        Catalog_V1_Product(
            id: "sku-3", name: "Jetty Chair", priceCents: 18_900, tags: ["garden", "wood"], stock: 0,
            availability: .backorder, attributes: ["wood": "oak", "finish": "oiled"], ratings: [5],
            dimensions: .init(widthCm: 55, heightCm: 90, depthCm: 60, weightKg: 7.5)
        ),
        Catalog_V1_Product(
            id: "sku-4", name: "Lighthouse Lamp", priceCents: 7_400, tags: ["lighting", "steel"], stock: 8,
            availability: .inStock, attributes: ["bulb": "E27", "colour": "red"], ratings: [3, 4],
            promotion: .couponCode("LIGHT15"), thumbnail: [0x89, 0x50, 0x4E, 0x47]
        ),
        Catalog_V1_Product(
            id: "sku-5", name: "Buoy Doorstop", priceCents: 1_999, tags: ["home"], stock: 33,
            availability: .inStock, ratings: [4]
        ),
        Catalog_V1_Product(
            id: "sku-6", name: "Breakwater Bench", priceCents: 32_000, tags: ["garden", "stone"], stock: 2,
            availability: .inStock, attributes: ["stone": "granite"], ratings: [5, 5, 4],
            dimensions: .init(widthCm: 150, heightCm: 45, depthCm: 40, weightKg: 80), featured: true
        ),
        Catalog_V1_Product(
            id: "sku-7", name: "Anchor Bookends", priceCents: 2_800, tags: ["home", "steel"], stock: 21,
            availability: .inStock, ratings: [2, 3]
        ),
        Catalog_V1_Product(
            id: "sku-8", name: "Driftwood Frame", priceCents: 3_450, tags: ["home", "wood"],
            availability: .discontinued, attributes: ["size": "A4"]
        ),
        Catalog_V1_Product(
            id: "sku-9", name: "Pier Lantern", priceCents: 5_600, tags: ["lighting", "garden"], stock: 15,
            availability: .inStock, attributes: ["power": "solar"], ratings: [4, 5],
            promotion: .discountPercent(25)
        ),
        Catalog_V1_Product(
            id: "sku-10", name: "Gull Tea Towel", priceCents: 899, tags: ["kitchen"], stock: 300,
            availability: .inStock, attributes: ["fabric": "linen"], ratings: [3, 3, 4, 4, 5]
        ),
    ]
}
