import Foundation
import ThawWire
import XCTest

/// Replays the fuzzing corpus (seeds and any crashers `scripts/fuzz-wire` saved) through the decoder.
final class CorpusReplayTests: XCTestCase {
    private static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Corpus")

    /// The frames a stream decodes to and the error that stopped it.
    private struct Outcome: Equatable {
        var frames: [Frame] = []
        var failure: WireError?
    }

    private func decode(_ stream: ArraySlice<UInt8>, pieceSize: Int) -> Outcome {
        var decoder = FrameDecoder(limits: FrameLimits(maximumPayloadBytes: 1 << 16))
        var outcome = Outcome()
        var position = stream.startIndex

        repeat {
            let end = min(position + pieceSize, stream.endIndex)
            decoder.append(contentsOf: stream[position..<end])
            position = end
            do {
                while let frame = try decoder.nextFrame() {
                    outcome.frames.append(frame)
                }
            } catch {
                outcome.failure = error
                return outcome
            }
        } while position < stream.endIndex

        return outcome
    }

    func testEveryCorpusFileDecodesTheSameWholeAndByteByByte() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.corpus, includingPropertiesForKeys: nil)
        XCTAssertGreaterThanOrEqual(files.count, 9, "the seed corpus is missing from \(Self.corpus.path)")

        var decodedFrames = 0
        var failures = 0
        for file in files {
            let stream = try Array(Data(contentsOf: file)).dropFirst()

            let whole = self.decode(stream, pieceSize: max(stream.count, 1))
            let bytewise = self.decode(stream, pieceSize: 1)

            XCTAssertEqual(whole, bytewise, file.lastPathComponent)
            decodedFrames += whole.frames.count
            failures += whole.failure == nil ? 0 : 1
        }

        XCTAssertGreaterThan(decodedFrames, 0, "no corpus file holds a valid frame")
        XCTAssertGreaterThan(failures, 0, "no corpus file holds a malformed frame")
    }

    func testSeedsDecodeToTheirIntendedOutcome() throws {
        func outcome(_ name: String) throws -> Outcome {
            let stream = try Array(Data(contentsOf: Self.corpus.appendingPathComponent(name))).dropFirst()
            return self.decode(stream, pieceSize: stream.count)
        }

        XCTAssertEqual(try outcome("seed-two-frames").frames.map(\.header.step), [7, 8])
        XCTAssertEqual(try outcome("seed-bad-version").failure, .unsupportedVersion(received: 2, supported: 1...1))
        XCTAssertEqual(
            try outcome("seed-oversize-length").failure, .payloadTooLarge(length: 0xFFFF_FFFF, limit: 1 << 16))
        XCTAssertEqual(try outcome("seed-bad-magic").failure, .badMagic(received: Array("G".utf8)))
        XCTAssertEqual(try outcome("seed-truncated"), Outcome())

        var reader = BinaryReader(try outcome("seed-fields-payload").frames[0].payload)
        XCTAssertEqual(try reader.read(UInt8.self), 3)
        XCTAssertEqual(try reader.read(String.self), "worker-1")
        XCTAssertEqual(try reader.read(UInt8.self), 4)
        XCTAssertEqual(try reader.readFloats(), [1, -2.5, 0.125])
    }
}
