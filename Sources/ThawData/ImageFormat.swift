/// The image file formats Thaw decodes, recognised by their leading magic bytes rather than by
/// file name.
public enum ImageFormat: String, Sendable {
    /// JPEG (JFIF or Exif): starts `FF D8 FF`.
    case jpeg = "JPEG"

    /// PNG: starts `89 50 4E 47 0D 0A 1A 0A`.
    case png = "PNG"

    /// The format whose signature `bytes` start with, or nil for anything else (text files,
    /// `.DS_Store`, other image formats).
    public init?(sniffing bytes: some Collection<UInt8>) {
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: pngSignature) {
            self = .png
        } else {
            return nil
        }
    }
}
