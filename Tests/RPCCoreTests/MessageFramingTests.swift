import Testing
@testable import RPCCore

@Suite("MessageFramer and MessageDeframer")
struct MessageFramingTests {
    static let messages: [[UInt8]] = [
        [1, 2, 3],
        [],
        Array(0..<200).map { UInt8($0) },
        [0xFF],
        Array(repeating: 0xAB, count: 300),
    ]

    static var stream: [UInt8] {
        var buffer: [UInt8] = []
        for message in messages { MessageFramer.append(message, to: &buffer) }
        return buffer
    }

    @Test func framesWithFlagAndBigEndianLength() {
        #expect(MessageFramer.frame([7, 8, 9]) == [0, 0, 0, 0, 3, 7, 8, 9])
        #expect(MessageFramer.frame([]) == [0, 0, 0, 0, 0])
        let big = [UInt8](repeating: 1, count: 0x01_02_03)
        #expect(Array(MessageFramer.frame(big).prefix(5)) == [0, 0x00, 0x01, 0x02, 0x03])
        #expect(MessageFramer.frame(big).count == 0x01_02_03 + 5)
    }

    @Test func appendAddsToExistingBuffer() {
        var buffer: [UInt8] = [9]
        MessageFramer.append([1], to: &buffer)
        #expect(buffer == [9, 0, 0, 0, 0, 1, 1])
    }

    @Test func severalMessagesInOneChunk() throws {
        var deframer = MessageDeframer()
        deframer.append(Self.stream)
        var out: [[UInt8]] = []
        while let message = try deframer.next() { out.append(message) }
        #expect(out == Self.messages)
        #expect(!deframer.hasPartialMessage)
        #expect(deframer.bufferedByteCount == 0)
    }

    @Test func splitAtEveryBytePosition() throws {
        let stream = Self.stream
        for split in 0...stream.count {
            var deframer = MessageDeframer()
            var out: [[UInt8]] = []
            deframer.append(stream[..<split])
            while let message = try deframer.next() { out.append(message) }
            deframer.append(stream[split...])
            while let message = try deframer.next() { out.append(message) }
            #expect(out == Self.messages, "split at \(split)")
            #expect(!deframer.hasPartialMessage)
        }
    }

    @Test func splitAtEveryPairOfPositions() throws {
        let stream = Self.stream
        for first in stride(from: 0, through: stream.count, by: 7) {
            for second in first...stream.count {
                var deframer = MessageDeframer()
                var out: [[UInt8]] = []
                for chunk in [stream[..<first], stream[first..<second], stream[second...]] {
                    deframer.append(chunk)
                    while let message = try deframer.next() { out.append(message) }
                }
                #expect(out == Self.messages, "splits at \(first), \(second)")
            }
        }
    }

    @Test("a message alone in the buffer is handed over; one gathered over many frames keeps no doubled room")
    func handedOverMessagesKeepLittleSpareRoom() throws {
        // One message, one chunk: the buffer's own storage becomes the message.
        var deframer = MessageDeframer()
        deframer.append(MessageFramer.frame([1, 2, 3]))
        #expect(try deframer.next() == [1, 2, 3])
        #expect(deframer.bufferedByteCount == 0)
        // A 600,000-byte message in 16 KiB chunks: the buffer grew by doubling; the message must not
        // keep that spare room (with the hand-over alone it held 1,056,720 bytes of capacity).
        let big = (0..<600_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let framed = MessageFramer.frame(big)
        var chunked = MessageDeframer(maxMessageBytes: 4 << 20)
        var out: [[UInt8]] = []
        for start in stride(from: 0, to: framed.count, by: 16_384) {
            chunked.append(framed[start..<min(start + 16_384, framed.count)])
            while let message = try chunked.next() { out.append(message) }
        }
        #expect(out.count == 1)
        #expect(out.first == big)
        #expect((out.first?.capacity ?? 0) <= big.count + max(4096, big.count / 8), "capacity \(out.first?.capacity ?? 0)")
    }

    @Test func byteByByte() throws {
        var deframer = MessageDeframer()
        var out: [[UInt8]] = []
        for byte in Self.stream {
            deframer.append([byte])
            while let message = try deframer.next() { out.append(message) }
        }
        #expect(out == Self.messages)
        #expect(!deframer.hasPartialMessage)
    }

    @Test func rawBufferAppend() throws {
        var deframer = MessageDeframer()
        let stream = Self.stream
        stream.withUnsafeBytes { deframer.append($0) }
        var out: [[UInt8]] = []
        while let message = try deframer.next() { out.append(message) }
        #expect(out == Self.messages)
    }

    @Test func emptyMessage() throws {
        var deframer = MessageDeframer()
        deframer.append([0, 0, 0, 0, 0])
        #expect(try deframer.next() == [])
        #expect(try deframer.next() == nil)
        #expect(!deframer.hasPartialMessage)
    }

    @Test func partialMessageDetected() throws {
        var deframer = MessageDeframer()
        #expect(!deframer.hasPartialMessage)
        deframer.append([0, 0, 0])
        #expect(try deframer.next() == nil)
        #expect(deframer.hasPartialMessage)
        #expect(deframer.bufferedByteCount == 3)
        deframer.append([0, 2, 0xAA])
        #expect(try deframer.next() == nil)
        #expect(deframer.hasPartialMessage)
        #expect(deframer.bufferedByteCount == 6)
        deframer.append([0xBB])
        #expect(try deframer.next() == [0xAA, 0xBB])
        #expect(!deframer.hasPartialMessage)
        #expect(deframer.bufferedByteCount == 0)
    }

    @Test func oversizedLengthIsResourceExhausted() throws {
        var deframer = MessageDeframer(maxMessageBytes: 10)
        deframer.append([0, 0, 0, 0, 11])
        #expect(throws: MessageDeframer.Error.messageTooLarge(length: 11, limit: 10)) { try deframer.next() }
        #expect(MessageDeframer.Error.messageTooLarge(length: 11, limit: 10).code == .resourceExhausted)
        #expect(
            MessageDeframer.Error.messageTooLarge(length: 11, limit: 10).description
                == "message of 11 bytes is larger than the limit of 10 bytes"
        )
    }

    @Test func oversizedIsDetectedFromThePrefixAlone() throws {
        var deframer = MessageDeframer(maxMessageBytes: 4 * 1024 * 1024)
        deframer.append([0, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: MessageDeframer.Error.messageTooLarge(length: 0xFFFF_FFFF, limit: 4 * 1024 * 1024)) {
            try deframer.next()
        }
    }

    @Test func messageAtTheLimitIsAccepted() throws {
        var deframer = MessageDeframer(maxMessageBytes: 3)
        deframer.append(MessageFramer.frame([1, 2, 3]))
        #expect(try deframer.next() == [1, 2, 3])
    }

    @Test func compressedFlagIsAnError() throws {
        var deframer = MessageDeframer()
        deframer.append([1, 0, 0, 0, 1, 42])
        #expect(throws: MessageDeframer.Error.compressedWithoutEncoding) { try deframer.next() }
        #expect(MessageDeframer.Error.compressedWithoutEncoding.code == .internal)
    }

    @Test(arguments: [UInt8(2), 3, 0x80, 0xFF])
    func invalidFlag(_ flag: UInt8) throws {
        var deframer = MessageDeframer()
        deframer.append([flag, 0, 0, 0, 0])
        #expect(throws: MessageDeframer.Error.invalidFlag(flag)) { try deframer.next() }
        #expect(MessageDeframer.Error.invalidFlag(flag).code == .internal)
    }

    @Test func errorAfterValidMessages() throws {
        var deframer = MessageDeframer()
        deframer.append(MessageFramer.frame([5]) + [2, 0, 0, 0, 0])
        #expect(try deframer.next() == [5])
        #expect(throws: MessageDeframer.Error.invalidFlag(2)) { try deframer.next() }
    }

    @Test func manyMessagesWithInterleavedReadsCompactCorrectly() throws {
        var deframer = MessageDeframer()
        var out: [[UInt8]] = []
        var expected: [[UInt8]] = []
        for i in 0..<500 {
            let message = [UInt8](repeating: UInt8(i % 256), count: i % 37)
            expected.append(message)
            let framed = MessageFramer.frame(message)
            // Uneven chunks: the first half now, the rest next time round.
            deframer.append(framed[..<(framed.count / 2)])
            if let message = try deframer.next() { out.append(message) }
            deframer.append(framed[(framed.count / 2)...])
            while let message = try deframer.next() { out.append(message) }
        }
        #expect(out == expected)
    }
}
