import ThawCollectives
import ThawTensor
import ThawWire

/// Frame types 0x0201-0x0210 carry cluster messages (0x03xx are the collectives').
extension ClusterMessage {
    /// The frame type of this message.
    public var frameType: UInt16 {
        switch self {
        case .hello: return 0x0201
        case .welcome: return 0x0202
        case .ringReady: return 0x0203
        case .phaseStart: return 0x0204
        case .phaseReady: return 0x0205
        case .computeFeatures: return 0x0206
        case .features: return 0x0207
        case .stepWork: return 0x0208
        case .stepDone: return 0x0209
        case .evaluate: return 0x020A
        case .evaluation: return 0x020B
        case .stateRequest: return 0x020C
        case .state: return 0x020D
        case .shutdown: return 0x020E
        case .failure: return 0x020F
        }
    }

    /// A short name for logs and errors.
    public var name: String {
        switch self {
        case .hello: return "hello"
        case .welcome: return "welcome"
        case .ringReady: return "ring-ready"
        case .phaseStart: return "phase-start"
        case .phaseReady: return "phase-ready"
        case .computeFeatures: return "compute-features"
        case .features: return "features"
        case .stepWork: return "step-work"
        case .stepDone: return "step-done"
        case .evaluate: return "evaluate"
        case .evaluation: return "evaluation"
        case .stateRequest: return "state-request"
        case .state: return "state"
        case .shutdown: return "shutdown"
        case .failure: return "failure"
        }
    }

    /// The payload bytes.
    public func encodedPayload() -> [UInt8] {
        var writer = BinaryWriter()
        switch self {
        case .hello(let workerID, let ringPort, let version):
            writer.write(Int64(workerID))
            writer.write(Int64(ringPort))
            writer.write(Int64(version))
        case .welcome(let welcome):
            writer.write(lengthPrefixed: welcome.runConfiguration)
            writer.write(welcome.fingerprint)
            writer.write(Int64(welcome.rank))
            writer.write(UInt32(welcome.members.count))
            for member in welcome.members {
                writer.write(Int64(member.workerID))
                writer.write(member.host)
                writer.write(Int64(member.port))
            }
        case .ringReady, .stateRequest, .shutdown:
            break
        case .phaseStart(let start):
            writer.write(Int64(start.phase))
            writer.write(floats: start.weights)
            writer.write(Int64(start.iterations))
            writer.write(floats: start.velocity)
        case .phaseReady(let digest):
            writer.write(digest)
        case .computeFeatures(let request, let layers, let inputs):
            writer.write(Int64(request))
            writer.write(Int64(layers))
            inputs.encode(into: &writer)
        case .features(let request, let outputs):
            writer.write(Int64(request))
            outputs.encode(into: &writer)
        case .stepWork(let work):
            for value in [work.phase, work.epoch, work.step, work.globalBatchSize, work.totalMicroShards] {
                writer.write(Int64(value))
            }
            writer.write(UInt32(work.microShards.count))
            for shard in work.microShards {
                writer.write(Int64(shard.index))
                writer.write(shard.seed)
                shard.inputs.encode(into: &writer)
            }
        case .stepDone(let done):
            writer.write(Int64(done.step))
            writer.write(done.lossSum)
            writer.write(Int64(done.correct))
            writer.write(Int64(done.samples))
            writer.write(done.computeSeconds)
            writer.write(done.reduceSeconds)
        case .evaluate(let request, let fromLayer, let inputs):
            writer.write(Int64(request))
            writer.write(Int64(fromLayer))
            inputs.encode(into: &writer)
        case .evaluation(let request, let lossSum, let correct):
            writer.write(Int64(request))
            writer.write(lossSum)
            writer.write(Int64(correct))
        case .state(let weights, let iterations, let velocity):
            writer.write(floats: weights)
            writer.write(Int64(iterations))
            writer.write(floats: velocity)
        case .failure(let text):
            writer.write(text)
        }
        return writer.bytes
    }

    /// Decodes a payload of frame type `type`; malformed input throws, never traps.
    public static func decode(type: UInt16, payload: [UInt8]) throws -> ClusterMessage {
        var reader = BinaryReader(payload)
        let message: ClusterMessage
        switch type {
        case 0x0201:
            message = .hello(
                workerID: try reader.count(), ringPort: try reader.count(), protocolVersion: try reader.count())
        case 0x0202:
            let configuration = try reader.readLengthPrefixedBytes()
            let fingerprint = try reader.read(String.self)
            let rank = try reader.count()
            let memberCount = Int(try reader.read(UInt32.self))
            guard memberCount <= 65_536 else { throw ClusterError.malformedMessage("a ring of \(memberCount) members") }
            var members: [RingMember] = []
            for _ in 0..<memberCount {
                members.append(
                    RingMember(
                        workerID: try reader.count(), host: try reader.read(String.self), port: try reader.count()))
            }
            message = .welcome(
                Welcome(runConfiguration: configuration, fingerprint: fingerprint, rank: rank, members: members))
        case 0x0203: message = .ringReady
        case 0x0204:
            message = .phaseStart(
                PhaseStartMessage(
                    phase: try reader.count(), weights: try reader.readFloats(), iterations: try reader.count(),
                    velocity: try reader.readFloats()))
        case 0x0205: message = .phaseReady(digest: try reader.read(String.self))
        case 0x0206:
            message = .computeFeatures(
                request: try reader.count(), layers: try reader.count(), inputs: try SampleBatch.decode(from: &reader))
        case 0x0207: message = .features(request: try reader.count(), outputs: try Tensor.decode(from: &reader))
        case 0x0208:
            let header = try (0..<5).map { _ in try reader.count() }
            let shardCount = Int(try reader.read(UInt32.self))
            guard shardCount <= 1 << 20 else { throw ClusterError.malformedMessage("\(shardCount) micro-shards") }
            var shards: [MicroShardWork] = []
            for _ in 0..<shardCount {
                shards.append(
                    MicroShardWork(
                        index: try reader.count(), seed: try reader.read(UInt64.self),
                        inputs: try SampleBatch.decode(from: &reader)))
            }
            message = .stepWork(
                StepWork(
                    phase: header[0], epoch: header[1], step: header[2], globalBatchSize: header[3],
                    totalMicroShards: header[4], microShards: shards))
        case 0x0209:
            message = .stepDone(
                StepDone(
                    step: try reader.count(), lossSum: try reader.read(Double.self), correct: try reader.count(),
                    samples: try reader.count(), computeSeconds: try reader.read(Double.self),
                    reduceSeconds: try reader.read(Double.self)))
        case 0x020A:
            message = .evaluate(
                request: try reader.count(), fromLayer: try reader.count(),
                inputs: try SampleBatch.decode(from: &reader))
        case 0x020B:
            message = .evaluation(
                request: try reader.count(), lossSum: try reader.read(Double.self), correct: try reader.count())
        case 0x020C: message = .stateRequest
        case 0x020D:
            message = .state(
                weights: try reader.readFloats(), iterations: try reader.count(), velocity: try reader.readFloats())
        case 0x020E: message = .shutdown
        case 0x020F: message = .failure(try reader.read(String.self))
        default:
            throw ClusterError.malformedMessage("unknown message type 0x\(String(type, radix: 16))")
        }
        try reader.expectEnd()
        return message
    }
}

extension BinaryReader {
    /// A non-negative integer written as `Int64`.
    mutating func count() throws -> Int {
        let value = try self.read(Int64.self)
        guard value >= 0, value <= Int64(Int32.max) * 1024 else {
            throw ClusterError.malformedMessage("a count of \(value)")
        }
        return Int(value)
    }
}

extension Tensor {
    func encode(into writer: inout BinaryWriter) {
        writer.write(UInt32(self.shape.count))
        for extent in self.shape { writer.write(Int64(extent)) }
        writer.write(floats: self.scalars)
    }

    static func decode(from reader: inout BinaryReader) throws -> Tensor {
        let rank = Int(try reader.read(UInt32.self))
        guard rank <= 8 else { throw ClusterError.malformedMessage("a tensor of rank \(rank)") }
        let shape = try (0..<rank).map { _ in try reader.count() }
        let scalars = try reader.readFloats()
        guard shape.reduce(1, { $0.multipliedReportingOverflow(by: $1).partialValue }) == scalars.count else {
            throw ClusterError.malformedMessage("a tensor of shape \(shape) with \(scalars.count) values")
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}

extension SampleBatch {
    func encode(into writer: inout BinaryWriter) {
        switch self {
        case .images(let pixels, let count, let height, let width, let channels, let labels):
            writer.write(UInt8(0))
            for value in [count, height, width, channels] { writer.write(Int64(value)) }
            writer.write(lengthPrefixed: pixels)
            writer.write(UInt32(labels.count))
            for label in labels { writer.write(label) }
        case .tensors(let tensor, let labels):
            writer.write(UInt8(1))
            tensor.encode(into: &writer)
            writer.write(UInt32(labels.count))
            for label in labels { writer.write(label) }
        }
    }

    static func decode(from reader: inout BinaryReader) throws -> SampleBatch {
        let kind = try reader.read(UInt8.self)
        switch kind {
        case 0:
            let (count, height, width, channels) = (
                try reader.count(), try reader.count(), try reader.count(), try reader.count()
            )
            let pixels = try reader.readLengthPrefixedBytes()
            let labels = try Self.decodeLabels(from: &reader)
            let (product, overflow) = count.multipliedReportingOverflow(by: height * width * channels)
            guard !overflow, product == pixels.count, labels.count == count else {
                throw ClusterError.malformedMessage(
                    "\(count) images of \(height)x\(width)x\(channels) in \(pixels.count) bytes")
            }
            return .images(
                pixels: pixels, count: count, height: height, width: width, channels: channels, labels: labels)
        case 1:
            let tensor = try Tensor.decode(from: &reader)
            let labels = try Self.decodeLabels(from: &reader)
            guard tensor.shape.first == labels.count else {
                throw ClusterError.malformedMessage("\(labels.count) labels for inputs \(tensor.shape)")
            }
            return .tensors(tensor, labels: labels)
        default:
            throw ClusterError.malformedMessage("sample batch kind \(kind)")
        }
    }

    private static func decodeLabels(from reader: inout BinaryReader) throws -> [Int32] {
        let count = Int(try reader.read(UInt32.self))
        guard count <= reader.remainingCount / 4 else { throw ClusterError.malformedMessage("\(count) labels") }
        return try (0..<count).map { _ in try reader.read(Int32.self) }
    }
}
