/// Errors raised while reading data sets and images from files.
///
/// Every message names the file (or folder) involved, says what was wrong with it, and where it
/// can, what to do about it. Reading never traps on bad input: it throws one of these.
public enum DataError: Error, CustomStringConvertible, Equatable {
    /// The file or folder could not be opened or listed; `cause` is the system's reason.
    case unreadable(path: String, cause: String)

    /// The file ended before all the data its header announces: `expectedBytes` were needed
    /// after the header, only `actualBytes` were there.
    case truncated(path: String, expectedBytes: Int, actualBytes: Int)

    /// The gzip stream is damaged (a bad deflate block or checksum); `cause` is zlib's message.
    case corruptCompression(path: String, cause: String)

    /// The first bytes are not an IDX magic number (`0x00 0x00 type rank`).
    case badMagic(path: String, found: [UInt8])

    /// The IDX element type is valid but not unsigned bytes (`0x08`), the only one supported.
    case unsupportedElementType(path: String, typeCode: UInt8)

    /// The header's sizes do not agree with the file or with what the caller expects.
    case sizeMismatch(path: String, detail: String)

    /// A label is outside `0..<classCount`.
    case invalidLabel(path: String, index: Int, label: Int, classCount: Int)

    /// An images file and its labels file hold different numbers of samples.
    case countMismatch(imagesPath: String, imageCount: Int, labelsPath: String, labelCount: Int)

    /// An image file could not be decoded; `format` is "JPEG" or "PNG", `cause` the decoder's reason.
    case undecodableImage(path: String, format: String, cause: String)

    /// The bytes are neither a JPEG nor a PNG.
    case unrecognisedImageFormat(path: String)

    /// An image folder has no class subfolders or no images at all.
    case emptyImageFolder(path: String, detail: String)

    /// A requested split or limit does not fit the data (for example more validation samples
    /// than training samples).
    case invalidSplit(detail: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let cause):
            return "cannot read \(path): \(cause); check that it exists and is readable"
        case .truncated(let path, let expectedBytes, let actualBytes):
            return "reading \(path): file is truncated, its header announces \(expectedBytes) data bytes "
                + "but only \(actualBytes) are present; fetch the file again (run scripts/setup)"
        case .corruptCompression(let path, let cause):
            return "decompressing \(path): the gzip stream is corrupt (\(cause)); fetch the file again"
        case .badMagic(let path, let found):
            let hex = found.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            return "reading \(path): bad magic number [\(hex)], expected 00 00 08 <rank>; this is not an IDX file"
        case .unsupportedElementType(let path, let typeCode):
            return "reading \(path): IDX element type 0x\(String(typeCode, radix: 16)) is not supported, "
                + "only unsigned bytes (0x08) are"
        case .sizeMismatch(let path, let detail):
            return "reading \(path): size mismatch, \(detail)"
        case .invalidLabel(let path, let index, let label, let classCount):
            return "reading \(path): label \(label) at index \(index) is outside 0..<\(classCount)"
        case .countMismatch(let imagesPath, let imageCount, let labelsPath, let labelCount):
            return "loading \(imagesPath) and \(labelsPath): \(imageCount) images but \(labelCount) labels; "
                + "the two files must come from the same split"
        case .undecodableImage(let path, let format, let cause):
            return "decoding \(path) as \(format): \(cause); remove or replace the file"
        case .unrecognisedImageFormat(let path):
            return "decoding \(path): not a JPEG or PNG image (unrecognised magic bytes)"
        case .emptyImageFolder(let path, let detail):
            return "loading image folder \(path): \(detail); put one subfolder of JPEG or PNG files per class in it"
        case .invalidSplit(let detail):
            return "splitting the data set: \(detail)"
        }
    }
}
