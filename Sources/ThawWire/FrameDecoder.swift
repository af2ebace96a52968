/// Reassembles frames from a byte stream that arrives in arbitrary pieces.
///
/// Feed bytes with `append(_:)` as they arrive and call `nextFrame()` until it returns `nil`, which means
/// more bytes are needed. The header is checked as early as the bytes allow: the magic on the first byte that
/// differs, the version as soon as it has arrived, the payload length before any payload is buffered, and
/// the checksum once the whole frame is present.
///
/// Any malformed input throws a `WireError`; nothing traps. An error leaves the stream out of step, so the
/// decoder keeps throwing the same error from then on and its connection should be dropped.
public struct FrameDecoder: Sendable {
    /// The limits enforced on every frame decoded.
    public let limits: FrameLimits

    /// The protocol versions accepted.
    public let supportedVersions: ClosedRange<UInt16>

    /// Received bytes; those before `start` are already consumed.
    private var buffer: [UInt8] = []

    /// The index in `buffer` of the first byte not yet consumed.
    private var start = 0

    /// The error that stopped the stream, if any.
    private var failure: WireError?

    /// A decoder enforcing `limits` and accepting `supportedVersions`.
    public init(limits: FrameLimits = .standard, supportedVersions: ClosedRange<UInt16> = FrameHeader.supportedVersions)
    {
        self.limits = limits
        self.supportedVersions = supportedVersions
    }

    /// The number of bytes received but not yet returned as part of a frame.
    public var bufferedByteCount: Int {
        self.buffer.count - self.start
    }

    /// The least number of further bytes that could complete the next frame; at least 1.
    ///
    /// Valid after `nextFrame()` returned `nil`: the header has then been checked, so the payload length it
    /// announces is within the limits.
    var bytesNeededForNextFrame: Int {
        let available = self.bufferedByteCount
        guard available >= FrameHeader.byteCount else {
            return FrameHeader.byteCount - available
        }
        let payloadLength = Int(self.load(UInt32.self, at: 32))
        return max(FrameHeader.byteCount + payloadLength - available, 1)
    }

    /// Adds received bytes to the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        self.compact()
        self.buffer.append(contentsOf: bytes)
    }

    /// Adds received bytes to the stream.
    public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        self.compact()
        self.buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or `nil` if more bytes are needed.
    ///
    /// - Throws: `WireError.badMagic`, `.unsupportedVersion`, `.payloadTooLarge` or `.checksumMismatch`;
    ///   once thrown, the same error is thrown by every later call.
    public mutating func nextFrame() throws(WireError) -> Frame? {
        if let failure = self.failure {
            throw failure
        }

        do throws(WireError) {
            return try self.decodeNext()
        } catch {
            self.failure = error
            throw error
        }
    }

    /// Checks what has arrived of the next header and, if the whole frame is here, consumes and returns it.
    private mutating func decodeNext() throws(WireError) -> Frame? {
        let available = self.bufferedByteCount

        let magicSeen = min(available, FrameHeader.magic.count)
        for index in 0..<magicSeen where self.buffer[self.start + index] != FrameHeader.magic[index] {
            throw .badMagic(received: Array(self.buffer[self.start...(self.start + index)]))
        }

        guard available >= 6 else {
            return nil
        }
        let version = self.load(UInt16.self, at: 4)
        guard self.supportedVersions.contains(version) else {
            throw .unsupportedVersion(received: version, supported: self.supportedVersions)
        }

        guard available >= FrameHeader.byteCount else {
            return nil
        }
        let payloadLength = Int(self.load(UInt32.self, at: 32))
        guard payloadLength <= self.limits.maximumPayloadBytes else {
            throw .payloadTooLarge(length: UInt64(payloadLength), limit: self.limits.maximumPayloadBytes)
        }

        guard available >= FrameHeader.byteCount + payloadLength else {
            return nil
        }
        let payloadStart = self.start + FrameHeader.byteCount
        let payload = Array(self.buffer[payloadStart..<(payloadStart + payloadLength)])
        return try self.takeFrame(payload: payload)
    }

    /// The payload length of the next frame when its header, already checked, is all that is buffered.
    ///
    /// Valid after `nextFrame()` returned `nil`. A reader that knows this length can read the payload into a
    /// buffer of its own and hand it to `completeFrame(payload:)`, instead of appending it here and having
    /// it copied out again.
    public var payloadLengthAwaited: Int? {
        guard self.failure == nil, self.bufferedByteCount == FrameHeader.byteCount else {
            return nil
        }
        return Int(self.load(UInt32.self, at: 32))
    }

    /// Completes the frame whose header is buffered with `payload`, read separately, and checks its checksum.
    ///
    /// - Precondition: `payloadLengthAwaited == payload.count`.
    /// - Throws: `WireError.checksumMismatch`; once thrown, every later call throws it too.
    public mutating func completeFrame(payload: [UInt8]) throws(WireError) -> Frame {
        precondition(self.payloadLengthAwaited == payload.count, "the payload does not complete the buffered header")
        do throws(WireError) {
            return try self.takeFrame(payload: payload)
        } catch {
            self.failure = error
            throw error
        }
    }

    /// Checks `payload` against the checksum of the checked header at `start`, then consumes the header and
    /// the payload's bytes, if buffered, and returns the frame.
    private mutating func takeFrame(payload: [UInt8]) throws(WireError) -> Frame {
        let stored = self.load(UInt32.self, at: FrameHeader.checksummedByteCount)
        let computed = self.buffer.withUnsafeBytes { bytes in
            payload.withUnsafeBytes { payload in
                FrameChecksum.compute(
                    headerPrefix: UnsafeRawBufferPointer(rebasing: bytes[self.start..<(self.start + 36)]),
                    payload: payload)
            }
        }
        guard stored == computed else {
            throw .checksumMismatch(stored: stored, computed: computed)
        }

        let header = FrameHeader(
            messageType: self.load(UInt16.self, at: 6),
            runID: self.load(UInt64.self, at: 8),
            generation: self.load(UInt64.self, at: 16),
            step: self.load(UInt64.self, at: 24),
            version: self.load(UInt16.self, at: 4)
        )
        self.start = min(self.start + FrameHeader.byteCount + payload.count, self.buffer.count)
        return Frame(header: header, payload: payload)
    }

    /// The big-endian integer at `offset` bytes past the first unconsumed byte; the bytes must be present.
    private func load<Value: FixedWidthInteger>(_ type: Value.Type, at offset: Int) -> Value {
        self.buffer.withUnsafeBytes { bytes in
            Value(bigEndian: bytes.loadUnaligned(fromByteOffset: self.start + offset, as: Value.self))
        }
    }

    /// Drops consumed bytes once they make up most of the buffer, so the buffer does not grow without bound.
    private mutating func compact() {
        if self.start == self.buffer.count {
            self.buffer.removeAll(keepingCapacity: true)
            self.start = 0
        } else if self.start > 4096 && self.start * 2 > self.buffer.count {
            self.buffer.removeFirst(self.start)
            self.start = 0
        }
    }
}
