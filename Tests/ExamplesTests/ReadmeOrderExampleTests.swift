import Foundation
import Testing

@Suite("README order-of-interceptors example")
struct ReadmeOrderExampleTests {
    @Test("the README's second Swift example is the file that this target compiles")
    func secondExampleCompiles() throws {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(
            contentsOf: root.appendingPathComponent("Tests/ExamplesTests/ReadmeOrderExample.swift"), encoding: .utf8
        )
        let blocks = readme.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        try #require(blocks.count >= 2, "README.md has no second Swift example")
        let body = example.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)[1]
        #expect(blocks[1] == String(body), "README.md's second example and Tests/ExamplesTests/ReadmeOrderExample.swift differ")
    }
}
