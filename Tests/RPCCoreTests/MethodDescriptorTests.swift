import Testing
import RPCCore

@Suite("MethodDescriptor")
struct MethodDescriptorTests {
    @Test func pathAndDescription() {
        let descriptor = MethodDescriptor(service: "catalog.v1.Catalog", method: "GetProduct")
        #expect(descriptor.path == "/catalog.v1.Catalog/GetProduct")
        #expect(descriptor.description == "catalog.v1.Catalog/GetProduct")
    }

    @Test func parsesPath() {
        #expect(MethodDescriptor(path: "/echo.v1.Echo/Get") == MethodDescriptor(service: "echo.v1.Echo", method: "Get"))
        #expect(MethodDescriptor(path: "/a/b")?.path == "/a/b")
    }

    @Test(arguments: ["", "/", "//", "a/b", "/a", "/a/", "//b", "/a/b/", "/a/b/c", "a"])
    func rejectsInvalidPaths(_ path: String) {
        #expect(MethodDescriptor(path: path) == nil)
    }

    @Test func pathIsCaseSensitive() {
        #expect(MethodDescriptor(path: "/Echo/Get") != MethodDescriptor(path: "/echo/get"))
    }
}
