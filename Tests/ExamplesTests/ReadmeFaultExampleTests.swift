import Foundation
import Testing

@Suite("README flaky-server metadata example")
struct ReadmeFaultExampleTests {
    @Test("the README's third Swift example is the file that this target compiles")
    func thirdExampleCompiles() throws {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let example = try String(
            contentsOf: root.appendingPathComponent("Tests/ExamplesTests/ReadmeFaultExample.swift"), encoding: .utf8
        )
        let blocks = readme.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        try #require(blocks.count >= 3, "README.md has no third Swift example")
        let body = example.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)[1]
        #expect(blocks[2] == String(body), "README.md's third example and Tests/ExamplesTests/ReadmeFaultExample.swift differ")
    }
}
