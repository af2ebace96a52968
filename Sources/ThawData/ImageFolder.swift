import Foundation

/// Loads a folder of labelled images laid out as Keras's `image_dataset_from_directory`
/// expects: one subfolder per class, named for the class.
///
/// ```
/// flowers/
///   daisy/   001.jpg 002.png ...
///   roses/   a.jpg ...
/// ```
///
/// Class names are the subfolder names sorted, and labels index them. Files are found in each
/// class folder and its subfolders, sorted by path, and recognised by their magic bytes, so
/// anything that is not a JPEG or PNG (`.DS_Store`, notes, thumbnails databases) is skipped.
/// Hidden files and folders are skipped.
public enum ImageFolder {
    /// Loads every JPEG and PNG image below `directory`, each decoded, made RGB (grey copied
    /// to three channels) and resized to `height x width` with PIL's BILINEAR filter (ignoring
    /// the aspect ratio, as Keras does by default), stored as 8-bit HWC.
    ///
    /// - Throws: `DataError.unreadable` if the folder or a file cannot be read,
    ///   `.emptyImageFolder` if it has no class subfolders or no images at all, and
    ///   `.undecodableImage` naming the file if an image is corrupt or truncated.
    /// - Precondition: `height` and `width` positive.
    public static func load(directory: URL, height: Int, width: Int) throws(DataError) -> LabeledImages {
        precondition(height > 0 && width > 0, "target size \(height)x\(width) must be positive")
        let classFolders = try Self.visibleEntries(of: directory).filter { Self.isDirectory($0) }
        guard !classFolders.isEmpty else {
            throw DataError.emptyImageFolder(path: directory.path, detail: "it has no class subfolders")
        }

        var pixels: [UInt8] = []
        var labels: [Int32] = []
        for (label, folder) in classFolders.enumerated() {
            for file in try Self.files(below: folder) {
                let data = try Self.contents(of: file)
                guard ImageFormat(sniffing: data) != nil else {
                    continue
                }

                let image = try ImageDecoder.decode(data, name: file.path).expandedToRGB()
                pixels.append(contentsOf: Self.resized(image, height: height, width: width))
                labels.append(Int32(label))
            }
        }

        guard !labels.isEmpty else {
            throw DataError.emptyImageFolder(
                path: directory.path, detail: "its \(classFolders.count) class subfolders hold no JPEG or PNG images")
        }
        return LabeledImages(
            height: height, width: width, channels: 3, pixels: pixels, labels: labels,
            classNames: classFolders.map { $0.lastPathComponent })
    }

    /// An RGB image resized to `height x width`, rounded back to 8 bits.
    static func resized(_ image: DecodedImage, height: Int, width: Int) -> [UInt8] {
        if image.height == height, image.width == width {
            return image.pixels
        }
        let resized = ImageResize.bilinear(
            image.pixels.map { Float($0) }, height: image.height, width: image.width, channels: image.channels,
            toHeight: height, toWidth: width)
        return resized.map { UInt8(min(max($0.rounded(), 0), 255)) }
    }

    /// The entries of `directory` not starting with ".", sorted by name.
    private static func visibleEntries(of directory: URL) throws(DataError) -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw DataError.unreadable(path: directory.path, cause: Self.reason(error))
        }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// The regular files in `folder` and its visible subfolders, sorted by path.
    private static func files(below folder: URL) throws(DataError) -> [URL] {
        var found: [URL] = []
        for entry in try Self.visibleEntries(of: folder) {
            if Self.isDirectory(entry) {
                found.append(contentsOf: try Self.files(below: entry))
            } else {
                found.append(entry)
            }
        }
        return found
    }

    private static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private static func contents(of file: URL) throws(DataError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: file))
        } catch {
            throw DataError.unreadable(path: file.path, cause: Self.reason(error))
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
