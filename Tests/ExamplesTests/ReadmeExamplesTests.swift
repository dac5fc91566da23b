import Foundation
import Testing

/// Every Swift block of README.md is a file of this target (after a one-line header comment), so
/// the README's examples always compile.
@Suite("README examples")
struct ReadmeExamplesTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The README's ```swift blocks, in order.
    static func blocks() throws -> [String] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        return readme.components(separatedBy: "```swift\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
    }

    @Test("the README has exactly the Swift blocks this target compiles")
    func blockCount() throws {
        #expect(try Self.blocks().count == 3, "a new README Swift block needs its file here and a row in the test below")
    }

    @Test(
        "each README Swift block is the file that this target compiles",
        arguments: [(0, "ReadmeExample.swift"), (1, "ReadmeOrderExample.swift"), (2, "ReadmeFaultExample.swift")]
    )
    func blockMatchesItsFile(index: Int, file: String) throws {
        let blocks = try Self.blocks()
        try #require(blocks.count > index, "README.md has no Swift block number \(index + 1)")
        let example = try String(contentsOf: Self.root.appendingPathComponent("Tests/ExamplesTests/\(file)"), encoding: .utf8)
        let body = example.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)[1]
        #expect(blocks[index] == String(body), "README.md's Swift block \(index + 1) and Tests/ExamplesTests/\(file) differ")
    }
}
