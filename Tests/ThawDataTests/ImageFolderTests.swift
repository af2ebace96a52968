import Foundation
import ThawData
import XCTest

final class ImageFolderTests: XCTestCase {
    /// cats/ holds a PNG and a JPEG (plus a note and a .DS_Store); dogs/ holds a grey PNG in a
    /// nested folder. A loose file at the top and a hidden folder are not classes.
    private func makeTwoClassFolder() throws -> URL {
        let root = try TestAssets.temporaryDirectory(for: self)
        let manager = FileManager.default
        for folder in ["cats", "dogs/puppies", ".hidden"] {
            try manager.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let copies = [
            ("rgb-4x3.png", "cats/b.png"), ("rgb-16x8.jpg", "cats/a.jpeg"), ("grey-3x2.png", "dogs/puppies/c.png"),
            ("rgb-4x3.png", ".hidden/d.png"),
        ]
        for (fixture, target) in copies {
            try Data(try TestAssets.fixture(fixture)).write(to: root.appendingPathComponent(target))
        }
        try Data("a note".utf8).write(to: root.appendingPathComponent("cats/notes.txt"))
        try Data([0, 0, 0, 1, 0x42, 0x75, 0x64, 0x31]).write(to: root.appendingPathComponent("cats/.DS_Store"))
        try Data("readme".utf8).write(to: root.appendingPathComponent("README.txt"))
        return root
    }

    func testTwoClassFolderLoadsLabelsAndClassNamesAndSkipsNonImages() throws {
        let root = try self.makeTwoClassFolder()

        let images = try ImageFolder.load(directory: root, height: 6, width: 5)

        XCTAssertEqual(images.classNames, ["cats", "dogs"])
        XCTAssertEqual(images.labels, [0, 0, 1])
        XCTAssertEqual([images.height, images.width, images.channels], [6, 5, 3])
        XCTAssertEqual(images.pixels.count, 3 * 6 * 5 * 3)
    }

    func testImagesAreResizedAndGreyExpandedToRGB() throws {
        let root = try self.makeTwoClassFolder()

        let images = try ImageFolder.load(directory: root, height: 2, width: 3)

        let grey = Array(images.pixels[(2 * 2 * 3 * 3)...])
        XCTAssertEqual(grey, [10, 10, 10, 50, 50, 50, 90, 90, 90, 110, 110, 110, 150, 150, 150, 190, 190, 190])
        let jpeg = Array(images.pixels[0..<(2 * 3 * 3)])
        XCTAssertEqual(Int(jpeg[2]), 128, accuracy: 4, "blue is 128 everywhere in rgb-16x8.jpg")
    }

    func testCorruptImageThrowsNamingTheFile() throws {
        let root = try self.makeTwoClassFolder()
        let bad = root.appendingPathComponent("dogs/broken.jpg")
        try Data(try TestAssets.fixture("rgb-16x8.jpg").prefix(300)).write(to: bad)

        XCTAssertThrowsError(try ImageFolder.load(directory: root, height: 4, width: 4)) { error in
            guard case .undecodableImage(let path, "JPEG", _) = error as? DataError else {
                return XCTFail("expected an undecodable JPEG, got \(error)")
            }
            XCTAssertEqual(path, bad.path)
            XCTAssertTrue("\(error)".contains("broken.jpg"))
        }
    }

    func testFolderWithoutClassSubfoldersThrows() throws {
        let root = try TestAssets.temporaryDirectory(for: self)
        try Data(try TestAssets.fixture("rgb-4x3.png")).write(to: root.appendingPathComponent("loose.png"))

        XCTAssertThrowsError(try ImageFolder.load(directory: root, height: 4, width: 4)) { error in
            guard case .emptyImageFolder(let path, _) = error as? DataError else {
                return XCTFail("expected an empty folder error, got \(error)")
            }
            XCTAssertEqual(path, root.path)
        }
    }

    func testClassFoldersWithoutImagesThrow() throws {
        let root = try TestAssets.temporaryDirectory(for: self)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: root.appendingPathComponent("empty/notes.txt"))

        XCTAssertThrowsError(try ImageFolder.load(directory: root, height: 4, width: 4)) { error in
            guard case .emptyImageFolder = error as? DataError else {
                return XCTFail("expected an empty folder error, got \(error)")
            }
        }
    }

    func testMissingFolderIsUnreadable() throws {
        let root = try TestAssets.temporaryDirectory(for: self).appendingPathComponent("absent")

        XCTAssertThrowsError(try ImageFolder.load(directory: root, height: 4, width: 4)) { error in
            guard case .unreadable(let path, _) = error as? DataError else {
                return XCTFail("expected unreadable, got \(error)")
            }
            XCTAssertEqual(path, root.path)
        }
    }
}
