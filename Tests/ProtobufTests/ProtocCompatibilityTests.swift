import ExampleServices
import Protobuf
import Testing

/// Byte compatibility with protoc-generated code (Python, via grpc_tools.protoc), checked at test
/// time. Fails, never skips, when python3 or grpc_tools is missing.
@Suite("protoc compatibility")
struct ProtocCompatibilityTests {
    private func verdicts() throws -> [String: PythonProtobuf.Verdict] {
        switch PythonProtobuf.verdicts {
        case .success(let verdicts): return verdicts
        case .failure(let failure): throw failure
        }
    }

    @Test("Swift encodes every sample byte-identically to protoc's Python code", arguments: compatibilitySamples.map(\.name))
    func encodingMatchesProtoc(sample name: String) throws {
        let sample = try #require(compatibilitySamples.first { $0.name == name })
        let verdict = try #require(try verdicts()[name], "python3 printed nothing for \(name)")
        #expect(PythonProtobuf.hex(sample.encoded) == PythonProtobuf.hex(verdict.pythonBytes), "Python encoding of \(name)")
    }

    @Test("Swift encodes every sample byte-identically to protoc's C++ runtime", arguments: compatibilitySamples.map(\.name))
    func encodingMatchesProtocCpp(sample name: String) throws {
        let sample = try #require(compatibilitySamples.first { $0.name == name })
        let verdict = try #require(try verdicts()[name], "python3 printed nothing for \(name)")
        #expect(PythonProtobuf.hex(sample.encoded) == PythonProtobuf.hex(verdict.cppBytes), "C++ encoding of \(name)")
    }

    @Test("Python decodes Swift's bytes to the same fields", arguments: compatibilitySamples.map(\.name))
    func pythonDecodesSwiftBytes(sample name: String) throws {
        let verdict = try #require(try verdicts()[name], "python3 printed nothing for \(name)")
        #expect(verdict.verdict == "ok", "python3 on \(name): \(verdict.verdict)")
    }

    @Test("Swift decodes protoc's bytes to the same fields", arguments: compatibilitySamples.map(\.name))
    func swiftDecodesPythonBytes(sample name: String) throws {
        let sample = try #require(compatibilitySamples.first { $0.name == name })
        let verdict = try #require(try verdicts()[name], "python3 printed nothing for \(name)")
        #expect(try sample.decodesToSample(verdict.pythonBytes), "decoding python's \(name)")
    }

    @Test("Fields unknown to Swift survive a round trip of protoc's bytes unchanged")
    func unknownFieldsFromProtoc() throws {
        let verdict = try #require(try verdicts()["product_full"])
        // GetProductRequest knows only field 1 (id); every other Product field is unknown to it.
        let partial = try Catalog_V1_GetProductRequest(serializedBytes: verdict.pythonBytes)
        #expect(partial.id == "sku-42")
        #expect(!partial.unknownFields.isEmpty)
        #expect(partial.serializedBytes() == verdict.pythonBytes)
        let echo = try Echo_V1_EchoRequest(serializedBytes: verdict.pythonBytes)
        #expect(echo.serializedBytes() == verdict.pythonBytes)
    }
}
