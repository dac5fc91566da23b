import ExampleServices
import Foundation
import HTTP2Transport
import RPCCore
import Resilience
import Testing

@Suite("README example")
struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("the README's Swift example is the file that this target compiles")
    func readmeExampleCompiles() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(
            contentsOf: Self.root.appendingPathComponent("Tests/ExamplesTests/ReadmeExample.swift"), encoding: .utf8
        )
        let start = try #require(readme.range(of: "```swift\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let block = String(readme[start.upperBound..<end.lowerBound])
        let body = example.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)[1]
        #expect(block == String(body), "README.md's example and Tests/ExamplesTests/ReadmeExample.swift differ")
    }
}
