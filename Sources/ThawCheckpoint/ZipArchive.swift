import CZlib

/// A read-only view of a ZIP archive held in memory, enough for `torch.save` files.
///
/// It reads the end-of-central-directory record (and its ZIP64 form), lists the entries from
/// the central directory, and extracts stored or deflated entries, checking sizes and CRC-32.
/// Multi-disk archives and encryption are refused.
struct ZipArchive {
    /// One file in the archive, as the central directory describes it.
    struct Entry {
        var name: String
        var method: UInt16
        var flags: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
    }

    let bytes: [UInt8]
    let path: String

    /// The entries in central-directory order.
    private(set) var entries: [Entry] = []

    /// The ZIP magic at the start of a local file header, `PK\3\4`.
    static let localHeaderSignature: UInt32 = 0x0403_4B50

    /// Reads the central directory of `bytes`; `path` names the file in errors.
    init(bytes: [UInt8], path: String) throws {
        self.bytes = bytes
        self.path = path

        var reader = self.makeReader()
        let directory = try self.findCentralDirectory(&reader)
        try reader.seek(to: directory.offset, for: "the central directory")
        try reader.require(directory.size, for: "the central directory")
        guard directory.count <= directory.size / 46 else {
            throw self.malformed("the central directory claims \(directory.count) entries in \(directory.size) bytes")
        }

        for _ in 0..<directory.count {
            self.entries.append(try self.readDirectoryEntry(&reader))
        }
    }

    /// The entry called `name`, if any.
    func entry(named name: String) -> Entry? {
        self.entries.first { $0.name == name }
    }

    /// The uncompressed contents of `entry`, after checking its size and CRC-32.
    func contents(of entry: Entry) throws -> [UInt8] {
        guard entry.flags & 0x1 == 0 else {
            throw self.malformed("entry \(entry.name) is encrypted")
        }

        var reader = self.makeReader()
        try reader.seek(to: entry.localHeaderOffset, for: "the local header of \(entry.name)")
        guard try reader.readLittleEndian(UInt32.self, for: "a local header") == Self.localHeaderSignature else {
            throw self.malformed("entry \(entry.name) has no local header at offset \(entry.localHeaderOffset)")
        }
        try reader.skip(22, for: "the local header of \(entry.name)")
        let nameLength = Int(try reader.readLittleEndian(UInt16.self, for: "a local header"))
        let extraLength = Int(try reader.readLittleEndian(UInt16.self, for: "a local header"))
        try reader.skip(nameLength + extraLength, for: "the local header of \(entry.name)")
        try reader.require(entry.compressedSize, for: "the data of \(entry.name)")
        let start = reader.position

        let data: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw self.malformed("stored entry \(entry.name) has different compressed and uncompressed sizes")
            }
            data = Array(self.bytes[start..<start + entry.compressedSize])
        case 8:
            data = try self.inflate(entry, from: start)
        default:
            throw self.malformed("entry \(entry.name) uses compression method \(entry.method) (only 0 and 8 are read)")
        }

        let checksum = data.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: crc32_z(0, buffer.baseAddress, buffer.count))
        }
        guard checksum == entry.crc32 else {
            throw self.malformed("entry \(entry.name) fails its CRC-32 check")
        }
        return data
    }

    // MARK: - Central directory

    private struct DirectoryLocation {
        var count: Int
        var size: Int
        var offset: Int
    }

    private func makeReader() -> ByteReader {
        let path = self.path
        return ByteReader(bytes: self.bytes) { offset, reason in
            .malformedArchive(path: path, reason: "at byte \(offset), \(reason)")
        }
    }

    private func malformed(_ reason: String) -> CheckpointError {
        .malformedArchive(path: self.path, reason: reason)
    }

    /// Finds the end-of-central-directory record, searching back over a possible comment.
    private func findCentralDirectory(_ reader: inout ByteReader) throws -> DirectoryLocation {
        let recordLength = 22
        guard self.bytes.count >= recordLength else {
            throw self.malformed("the file is too short to hold an end-of-central-directory record")
        }
        let lowest = max(0, self.bytes.count - recordLength - Int(UInt16.max))
        var candidate = self.bytes.count - recordLength
        while candidate >= lowest, !self.hasSignature(0x0605_4B50, at: candidate) {
            candidate -= 1
        }
        guard candidate >= lowest else {
            throw self.malformed("no end-of-central-directory record was found")
        }

        try reader.seek(to: candidate + 4, for: "the end-of-central-directory record")
        let disk = try reader.readLittleEndian(UInt16.self, for: "the disk number")
        let directoryDisk = try reader.readLittleEndian(UInt16.self, for: "the directory disk")
        _ = try reader.readLittleEndian(UInt16.self, for: "the entries on this disk")
        let count = try reader.readLittleEndian(UInt16.self, for: "the entry count")
        let size = try reader.readLittleEndian(UInt32.self, for: "the directory size")
        let offset = try reader.readLittleEndian(UInt32.self, for: "the directory offset")
        guard disk == 0, directoryDisk == 0 else {
            throw self.malformed("multi-disk archives are not supported")
        }

        if count == UInt16.max || size == UInt32.max || offset == UInt32.max {
            return try self.findZip64CentralDirectory(&reader, endRecord: candidate)
        }
        return DirectoryLocation(count: Int(count), size: Int(size), offset: Int(offset))
    }

    /// Reads the ZIP64 end-of-central-directory record through the locator before `endRecord`.
    private func findZip64CentralDirectory(_ reader: inout ByteReader, endRecord: Int) throws -> DirectoryLocation {
        guard endRecord >= 20, self.hasSignature(0x0706_4B50, at: endRecord - 20) else {
            throw self.malformed("a ZIP64 archive has no ZIP64 locator")
        }
        try reader.seek(to: endRecord - 12, for: "the ZIP64 locator")
        let recordOffset = try self.readSize(&reader, for: "the ZIP64 record offset")
        guard self.hasSignature(0x0606_4B50, at: recordOffset) else {
            throw self.malformed("the ZIP64 locator points at no ZIP64 record")
        }

        try reader.seek(to: recordOffset + 32, for: "the ZIP64 record")
        let count = try self.readSize(&reader, for: "the ZIP64 entry count")
        let size = try self.readSize(&reader, for: "the ZIP64 directory size")
        let offset = try self.readSize(&reader, for: "the ZIP64 directory offset")
        return DirectoryLocation(count: count, size: size, offset: offset)
    }

    private func readDirectoryEntry(_ reader: inout ByteReader) throws -> Entry {
        guard try reader.readLittleEndian(UInt32.self, for: "a directory entry") == 0x0201_4B50 else {
            throw reader.error("a central directory entry has the wrong signature")
        }
        try reader.skip(4, for: "a directory entry")
        let flags = try reader.readLittleEndian(UInt16.self, for: "the entry flags")
        let method = try reader.readLittleEndian(UInt16.self, for: "the compression method")
        try reader.skip(4, for: "a directory entry")
        let crc32 = try reader.readLittleEndian(UInt32.self, for: "the CRC-32")
        let compressedSize = try reader.readLittleEndian(UInt32.self, for: "the compressed size")
        let uncompressedSize = try reader.readLittleEndian(UInt32.self, for: "the uncompressed size")
        let nameLength = Int(try reader.readLittleEndian(UInt16.self, for: "the name length"))
        let extraLength = Int(try reader.readLittleEndian(UInt16.self, for: "the extra length"))
        let commentLength = Int(try reader.readLittleEndian(UInt16.self, for: "the comment length"))
        try reader.skip(8, for: "a directory entry")
        let localHeaderOffset = try reader.readLittleEndian(UInt32.self, for: "the local header offset")
        let name = try reader.readUTF8(nameLength, for: "an entry name")

        var entry = Entry(
            name: name, method: method, flags: flags, crc32: crc32, compressedSize: Int(compressedSize),
            uncompressedSize: Int(uncompressedSize), localHeaderOffset: Int(localHeaderOffset))

        let extraEnd = reader.position + extraLength
        try reader.require(extraLength, for: "the extra fields of \(name)")
        while reader.position + 4 <= extraEnd {
            let identifier = try reader.readLittleEndian(UInt16.self, for: "an extra field")
            let length = Int(try reader.readLittleEndian(UInt16.self, for: "an extra field"))
            let fieldEnd = reader.position + length
            guard fieldEnd <= extraEnd else {
                throw reader.error("an extra field of \(name) runs past the extra area")
            }
            if identifier == 0x0001 {
                if uncompressedSize == UInt32.max {
                    entry.uncompressedSize = try self.readSize(&reader, for: "the ZIP64 uncompressed size")
                }
                if compressedSize == UInt32.max {
                    entry.compressedSize = try self.readSize(&reader, for: "the ZIP64 compressed size")
                }
                if localHeaderOffset == UInt32.max {
                    entry.localHeaderOffset = try self.readSize(&reader, for: "the ZIP64 header offset")
                }
                guard reader.position <= fieldEnd else {
                    throw reader.error("the ZIP64 extra field of \(name) is too short")
                }
            }
            try reader.seek(to: fieldEnd, for: "the next extra field")
        }

        try reader.seek(to: extraEnd, for: "the entry comment")
        try reader.skip(commentLength, for: "the entry comment")
        return entry
    }

    /// Reads a 64-bit size or offset that must fit the file.
    private func readSize(_ reader: inout ByteReader, for what: String) throws -> Int {
        let value = try reader.readLittleEndian(UInt64.self, for: what)
        guard value <= UInt64(Int.max) else {
            throw reader.error("\(what) \(value) is out of range")
        }
        return Int(value)
    }

    private func hasSignature(_ signature: UInt32, at offset: Int) -> Bool {
        guard offset >= 0, offset + 4 <= self.bytes.count else { return false }
        var value: UInt32 = 0
        for index in 0..<4 {
            value |= UInt32(self.bytes[offset + index]) << (8 * index)
        }
        return value == signature
    }

    // MARK: - Inflate

    /// Inflates a raw deflate stream, refusing to produce more than the declared size.
    private func inflate(_ entry: Entry, from start: Int) throws -> [UInt8] {
        var stream = z_stream()
        // Negative window bits select a raw deflate stream, without a zlib header.
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw self.malformed("zlib could not start inflating \(entry.name)")
        }
        defer { inflateEnd(&stream) }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        try self.bytes.withUnsafeBufferPointer { input in
            var consumed = 0
            while status != Z_STREAM_END {
                let pending = min(entry.compressedSize - consumed, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + start + consumed)
                stream.avail_in = UInt32(pending)

                let produced = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return buffer.count - Int(stream.avail_out)
                }
                let progress = pending - Int(stream.avail_in)
                consumed += progress

                guard status == Z_OK || status == Z_STREAM_END else {
                    throw self.malformed("entry \(entry.name) is not a valid deflate stream (zlib status \(status))")
                }
                guard produced > 0 || progress > 0 || status == Z_STREAM_END else {
                    throw self.malformed("entry \(entry.name) ends before its deflate stream does")
                }
                guard output.count + produced <= entry.uncompressedSize else {
                    throw self.malformed(
                        "entry \(entry.name) inflates past its declared \(entry.uncompressedSize) bytes")
                }
                output.append(contentsOf: chunk[0..<produced])
            }
        }

        guard output.count == entry.uncompressedSize else {
            throw self.malformed("entry \(entry.name) inflates to \(output.count) bytes, not \(entry.uncompressedSize)")
        }
        return output
    }
}
