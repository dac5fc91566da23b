import Testing
import RPCCore

@Suite("Metadata")
struct MetadataTests {
    @Test func keepsOrderAndDuplicates() {
        var metadata: Metadata = ["b": "1", "a": "2"]
        metadata.addString("3", forKey: "b")
        metadata.addBinary([1, 2], forKey: "trace-bin")
        #expect(metadata.map(\.key) == ["b", "a", "b", "trace-bin"])
        #expect(metadata.map(\.value) == [.string("1"), .string("2"), .string("3"), .binary([1, 2])])
        #expect(metadata.count == 4)
        #expect(!metadata.isEmpty)
        #expect(metadata["b"] == [.string("1"), .string("3")])
        #expect(metadata[stringValues: "b"] == ["1", "3"])
        #expect(metadata.firstString(forKey: "b") == "1")
    }

    @Test func keysAreLowercased() {
        var metadata: Metadata = ["X-Request-ID": "42"]
        metadata.addString("gold", forKey: "X-Tier")
        metadata.add(.string("v"), forKey: "MiXeD")
        #expect(metadata.map(\.key) == ["x-request-id", "x-tier", "mixed"])
        #expect(metadata.firstString(forKey: "X-REQUEST-ID") == "42")
        #expect(metadata.contains(key: "X-TIER"))
        #expect(metadata["MIXED"] == [.string("v")])
        #expect(Metadata.Element(key: "UP", value: "x").key == "up")
    }

    @Test func binaryValues() {
        var metadata = Metadata()
        metadata.addBinary([0xDE, 0xAD], forKey: "trace-bin")
        metadata.addString("text", forKey: "trace-bin")
        metadata.addBinary([0xBE, 0xEF], forKey: "Trace-Bin")
        #expect(metadata[binaryValues: "trace-bin"] == [[0xDE, 0xAD], [0xBE, 0xEF]])
        #expect(metadata[stringValues: "trace-bin"] == ["text"])
        #expect(metadata.firstString(forKey: "trace-bin") == "text")
        #expect(Metadata.Value.binary([1, 2, 3]).description == "<3 bytes>")
    }

    @Test func removeAndReplace() {
        var metadata: Metadata = ["a": "1", "b": "2"]
        metadata.addString("3", forKey: "a")
        metadata.replaceOrAddString("9", forKey: "A")
        #expect(metadata.map(\.key) == ["b", "a"])
        #expect(metadata[stringValues: "a"] == ["9"])
        metadata.removeAllValues(forKey: "B")
        #expect(metadata.map(\.key) == ["a"])
        metadata.removeAllValues(forKey: "missing")
        #expect(metadata.count == 1)
    }

    @Test func addContentsOfAppendsInOrder() {
        var first: Metadata = ["a": "1"]
        first.add(contentsOf: ["b": "2", "a": "3"])
        #expect(first.map(\.key) == ["a", "b", "a"])
        #expect(first[stringValues: "a"] == ["1", "3"])
    }

    @Test func missingKeys() {
        let metadata: Metadata = [:]
        #expect(metadata.isEmpty)
        #expect(metadata["x"] == [])
        #expect(metadata.firstString(forKey: "x") == nil)
        #expect(!metadata.contains(key: "x"))
    }

    @Test func equalityDependsOnOrder() {
        let ab: Metadata = ["a": "1", "b": "2"]
        let ba: Metadata = ["b": "2", "a": "1"]
        #expect(ab != ba)
        #expect(ab == ["A": "1", "B": "2"])
    }

    @Test func description() {
        var metadata: Metadata = ["a": "1"]
        metadata.addBinary([1], forKey: "b-bin")
        #expect(metadata.description == "[a: 1, b-bin: <1 bytes>]")
    }
}
