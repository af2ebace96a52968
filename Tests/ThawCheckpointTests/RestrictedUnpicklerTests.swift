import Foundation
import ThawCheckpoint
import XCTest

final class RestrictedUnpicklerTests: XCTestCase {
    func testGlobalOsSystemIsRefusedByNameAndNothingRuns() throws {
        let folder = try TestFiles.makeTemporaryFolder(for: self)
        let witness = folder.appendingPathComponent("pwned")
        let command = Array("touch \(witness.path)".utf8)
        // PROTO 2, GLOBAL 'os system', BINUNICODE command, TUPLE1, REDUCE, STOP: pickle.loads runs it.
        let pickle: [UInt8] =
            [0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x58] + Self.littleEndian32(command.count) + command
            + [0x85, 0x52, 0x2E]
        let url = folder.appendingPathComponent("evil.pkl")
        try Data(pickle).write(to: url)

        var unpickler = RestrictedUnpickler(bytes: pickle, source: url.path)
        XCTAssertThrowsError(try unpickler.load()) { error in
            XCTAssertEqual(error as? CheckpointError, .forbiddenGlobal(source: url.path, offset: 2, name: "os.system"))
            XCTAssertTrue("\(error)".contains("os.system"), "\(error)")
        }

        XCTAssertFalse(FileManager.default.fileExists(atPath: witness.path))
        XCTAssertEqual(try TestFiles.contents(of: folder), ["evil.pkl"])
    }

    func testStackGlobalBuiltinsEvalIsRefusedByName() {
        // PROTO 4, SHORT_BINUNICODE 'builtins', SHORT_BINUNICODE 'eval', STACK_GLOBAL.
        let pickle: [UInt8] = [0x80, 0x04, 0x8C, 8] + Array("builtins".utf8) + [0x8C, 4] + Array("eval".utf8) + [0x93]

        var unpickler = RestrictedUnpickler(bytes: pickle, source: "eval.pkl")
        XCTAssertThrowsError(try unpickler.load()) { error in
            XCTAssertEqual(
                error as? CheckpointError, .forbiddenGlobal(source: "eval.pkl", offset: 18, name: "builtins.eval"))
        }
    }

    func testOpcodesOutsideTheRestrictedSetAreRefused() {
        // INST 'os system' (0x69), OBJ (0x6F) and NEWOBJ (0x81) can all construct objects.
        for opcode: UInt8 in [0x69, 0x6F, 0x81, 0x92, 0xFF] {
            var unpickler = RestrictedUnpickler(bytes: [0x80, 0x02, 0x4E, opcode], source: "op.pkl")
            XCTAssertThrowsError(try unpickler.load()) { error in
                XCTAssertEqual(
                    error as? CheckpointError, .unsupportedOpcode(source: "op.pkl", offset: 3, opcode: opcode))
            }
        }
    }

    func testAllowedStorageTypeCannotBeCalled() {
        let pickle: [UInt8] = [0x80, 0x02] + Array("ctorch\nFloatStorage\n".utf8) + [0x29, 0x52, 0x2E]

        var unpickler = RestrictedUnpickler(bytes: pickle, source: "call.pkl")
        XCTAssertThrowsError(try unpickler.load()) { error in
            XCTAssertTrue("\(error)".contains("torch.FloatStorage is a storage type and is never called"), "\(error)")
        }
    }

    func testScalarsContainersAndMemoDecode() throws {
        // {'a': [1, -2, 300, 2**70, 1.5, None, True], 'b': ('x', b'yz'), 'a2': <memo 1>} in protocol 2.
        var pickle: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x28]
        pickle += [0x58] + Self.littleEndian32(1) + Array("a".utf8)
        pickle += [0x5D, 0x71, 0x01, 0x28, 0x4B, 0x01, 0x4A] + Self.littleEndian32(-2)
        pickle += [0x4D, 0x2C, 0x01, 0x8A, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x40]
        pickle += [0x47, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0, 0x4E, 0x88, 0x65]
        pickle += [0x55, 0x01] + Array("b".utf8) + [0x55, 0x01] + Array("x".utf8) + [0x43, 0x02, 0x79, 0x7A, 0x86]
        pickle += [0x8C, 0x02] + Array("a2".utf8) + [0x68, 0x01, 0x75, 0x2E]

        var unpickler = RestrictedUnpickler(bytes: pickle, source: "values.pkl")
        let value = try unpickler.load()

        XCTAssertEqual(unpickler.position, pickle.count)
        XCTAssertEqual(value.dictEntries?.compactMap(\.key.stringValue), ["a", "b", "a2"])
        let list = try XCTUnwrap(value["a"]?.elements)
        XCTAssertEqual(list.count, 7)
        XCTAssertEqual(list[0...2].compactMap(\.intValue), [1, -2, 300])
        guard case .largeInt(let wide) = list[3], case .float(let half) = list[4], case .none = list[5],
            case .bool(true) = list[6]
        else {
            return XCTFail("unexpected list \(list)")
        }
        XCTAssertEqual(wide, [0, 0, 0, 0, 0, 0, 0, 0, 0x40])
        XCTAssertEqual(half, 1.5)
        guard case .tuple(let pair)? = value["b"], case .bytes(let bytes) = pair[1] else {
            return XCTFail("unexpected tuple \(String(describing: value["b"]))")
        }
        XCTAssertEqual(pair[0].stringValue, "x")
        XCTAssertEqual(bytes, [0x79, 0x7A])
        XCTAssertEqual(value["a2"]?.elements?.count, 7)
    }

    func testNegativeAndWideLongsDecode() throws {
        // LONG1 -1, LONG1 -129 (two bytes), LONG1 2**63 - 1, wrapped in a TUPLE3.
        let pickle: [UInt8] =
            [0x80, 0x02, 0x8A, 0x01, 0xFF, 0x8A, 0x02, 0x7F, 0xFF, 0x8A, 0x08]
            + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x87, 0x2E]

        var unpickler = RestrictedUnpickler(bytes: pickle, source: "longs.pkl")
        let value = try unpickler.load()

        XCTAssertEqual(value.elements?.compactMap(\.intValue), [-1, -129, Int.max])
    }

    func testSelfReferencingListIsRefusedInsteadOfRecursingForever() {
        // EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP: a list that contains itself.
        let pickle: [UInt8] = [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E]

        var unpickler = RestrictedUnpickler(bytes: pickle, source: "cycle.pkl")
        XCTAssertThrowsError(try unpickler.load()) { error in
            XCTAssertTrue("\(error)".contains("a container contains itself"), "\(error)")
        }
    }

    func testExponentiallySharedListsAreRefusedByTheResultCap() {
        // l0 = [None]; l(k+1) = [lk, lk], 40 times: 2^40 values if copied naively.
        // Each list is memoized and popped; the last is fetched back before STOP.
        var pickle: [UInt8] = [0x80, 0x02, 0x5D, 0x4E, 0x61, 0x71, 0x00, 0x30]
        for level in 0..<40 {
            pickle += [0x5D, 0x68, UInt8(level), 0x61, 0x68, UInt8(level), 0x61, 0x71, UInt8(level + 1), 0x30]
        }
        pickle += [0x68, 40, 0x2E]

        var unpickler = RestrictedUnpickler(bytes: pickle, source: "bomb.pkl")
        XCTAssertThrowsError(try unpickler.load()) { error in
            XCTAssertTrue("\(error)".contains("more than 16777216 values counting repeats"), "\(error)")
        }
    }

    func testDeeplyNestedContainersAreRefusedWithoutOverflowingTheStack() throws {
        // None wrapped in 500,000 TUPLE1s, and 100,000 lists each appended into the one below.
        let tuples: [UInt8] = [0x80, 0x02, 0x4E] + [UInt8](repeating: 0x85, count: 500_000) + [0x2E]
        let lists: [UInt8] =
            [0x80, 0x02] + [UInt8](repeating: 0x5D, count: 100_001) + [UInt8](repeating: 0x61, count: 100_000) + [0x2E]

        for pickle in [tuples, lists] {
            var unpickler = RestrictedUnpickler(bytes: pickle, source: "deep.pkl")
            XCTAssertThrowsError(try unpickler.load()) { error in
                XCTAssertTrue("\(error)".contains("nests deeper than 200 levels"), "\(error)")
            }
        }

        // The same tuple chain dropped by POP before the pickle ends with None.
        let dropped: [UInt8] = Array(tuples.dropLast()) + [0x30, 0x4E, 0x2E]
        var unpickler = RestrictedUnpickler(bytes: dropped, source: "dropped.pkl")
        guard case .none = try unpickler.load() else {
            return XCTFail("expected None")
        }
    }

    func testMemoReadBeforeWriteAndStackUnderflowThrow() {
        let cases: [([UInt8], String)] = [
            ([0x80, 0x02, 0x68, 0x05, 0x2E], "memo entry 5 is read before it is written"),
            ([0x80, 0x02, 0x2E], "STOP needs exactly one value on the stack, not 0"),
            ([0x80, 0x02, 0x4E, 0x4E, 0x2E], "STOP needs exactly one value on the stack, not 2"),
            ([0x80, 0x02, 0x4E, 0x28, 0x73, 0x2E], "the stack is empty"),
            ([0x80, 0x02, 0x4E, 0x4E, 0x73, 0x2E], "SETITEM needs a dict"),
            ([0x80, 0x02, 0x4E, 0x4E, 0x4E, 0x73, 0x2E], "SETITEM needs a dict"),
            ([0x80, 0x01, 0x4E, 0x2E], "protocol 1 is not supported"),
            ([0x80, 0x02, 0x28, 0x4E, 0x2E], "unclosed MARK"),
            ([0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0x7F], "declares 2147483647 bytes"),
            ([0x80, 0x02, 0x8C, 0x02, 0xC3, 0x28, 0x2E], "not valid UTF-8"),
        ]
        for (pickle, message) in cases {
            var unpickler = RestrictedUnpickler(bytes: pickle, source: "bad.pkl")
            XCTAssertThrowsError(try unpickler.load(), message) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error) should mention \(message)")
            }
        }
    }

    func testEveryTruncationOfAStateDictPickleThrows() throws {
        // The fourth pickle of the legacy fixture is its state dict.
        let bytes = [UInt8](try Data(contentsOf: TestFiles.fixture("legacy.pth")))
        var skipper = RestrictedUnpickler(bytes: bytes, source: "legacy.pth")
        for _ in 0..<3 {
            _ = try skipper.load()
        }
        let start = skipper.position
        let whole = try skipper.load()
        let stateDict = Array(bytes[start..<skipper.position])
        XCTAssertEqual(whole.dictEntries?.count, 6)

        for length in 0..<stateDict.count {
            var unpickler = RestrictedUnpickler(bytes: Array(stateDict.prefix(length)), source: "cut.pkl")
            XCTAssertThrowsError(try unpickler.load(), "cut to \(length) bytes")
        }
    }

    func testRandomBytesNeverTrap() {
        var generator = SeededGenerator(state: 5)
        var refused = 0
        let rounds = 3000

        for _ in 0..<rounds {
            let length = Int.random(in: 0..<64, using: &generator)
            let noise = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var unpickler = RestrictedUnpickler(bytes: [0x80, 0x02] + noise, source: "noise.pkl")
            if (try? unpickler.load()) == nil {
                refused += 1
            }
        }

        // A few noise strings happen to be valid pickles (for example "N."); nearly all are not.
        XCTAssertGreaterThan(refused, rounds * 9 / 10)
    }

    private static func littleEndian32(_ value: Int) -> [UInt8] {
        withUnsafeBytes(of: Int32(value).littleEndian, Array.init)
    }
}
