import Foundation
import ThawCheckpoint
import ThawLayers
import ThawTensor

/// Where a run stands: everything needed to continue it exactly, mid-epoch.
///
/// Saved as one safetensors file: every tensor of the model under its own name (Thaw layout),
/// the optimizer's velocity as `optimizer.velocity`, and the cursor in the metadata. Written
/// atomically, so a crash leaves the previous checkpoint intact.
public struct TrainingCheckpoint: Equatable {
    /// The phase being trained (index into the run's phases).
    public var phase: Int
    /// The epoch within that phase.
    public var epoch: Int
    /// The next step to run within that epoch.
    public var step: Int
    /// The optimizer's update counter `t`.
    public var iterations: Int
    /// The optimizer's velocity, packed by the phase's trainable layout.
    public var velocity: [Float]
    /// The run file's fingerprint, to refuse another run's checkpoint.
    public var fingerprint: String
    /// The phase's trainable-set digest.
    public var trainableDigest: String

    static let format = "thaw-checkpoint-1"

    /// Writes the model and this cursor to `url` atomically.
    public func save(model: Model, to url: URL) throws {
        var tensors: [(name: String, tensor: Tensor)] = model.store.entries.indices.map { index in
            let handle = ParameterHandle(index: index)
            return (model.store.entry(handle).name, model.store.tensor(handle))
        }
        tensors.append(("optimizer.velocity", Tensor(shape: [self.velocity.count], scalars: self.velocity)))
        let metadata = [
            "format": Self.format, "phase": String(self.phase), "epoch": String(self.epoch), "step": String(self.step),
            "iterations": String(self.iterations), "fingerprint": self.fingerprint,
            "trainable_digest": self.trainableDigest, "architecture": model.architecture,
        ]
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Safetensors.write(tensors, metadata: metadata, to: url)
    }

    /// Reads a checkpoint into `model` (every tensor must match by name and shape) and returns
    /// the cursor. The model is unchanged if anything does not match.
    public static func load(from url: URL, into model: Model) throws -> TrainingCheckpoint {
        let file = try Safetensors.read(from: url)
        func field(_ key: String) throws -> String {
            guard let value = file.metadata[key] else {
                throw TrainingError.checkpointMismatch(file: url.path, detail: "its metadata lacks '\(key)'")
            }
            return value
        }
        func number(_ key: String) throws -> Int {
            guard let value = Int(try field(key)), value >= 0 else {
                throw TrainingError.checkpointMismatch(file: url.path, detail: "'\(key)' is not a count")
            }
            return value
        }
        guard try field("format") == Self.format else {
            throw TrainingError.checkpointMismatch(file: url.path, detail: "it is not a Thaw checkpoint")
        }

        var assignments: [(ParameterHandle, Tensor)] = []
        for (index, entry) in model.store.entries.enumerated() {
            guard let tensor = file[entry.name], tensor.shape == entry.shape else {
                throw TrainingError.checkpointMismatch(
                    file: url.path, detail: "tensor '\(entry.name)' is missing or is not \(entry.shape)")
            }
            assignments.append((ParameterHandle(index: index), tensor))
        }
        let checkpoint = TrainingCheckpoint(
            phase: try number("phase"), epoch: try number("epoch"), step: try number("step"),
            iterations: try number("iterations"), velocity: file["optimizer.velocity"]?.scalars ?? [],
            fingerprint: try field("fingerprint"), trainableDigest: try field("trainable_digest"))
        for (handle, tensor) in assignments { model.store.assign(tensor, to: handle) }
        return checkpoint
    }

    public init(
        phase: Int, epoch: Int, step: Int, iterations: Int, velocity: [Float], fingerprint: String,
        trainableDigest: String
    ) {
        self.phase = phase
        self.epoch = epoch
        self.step = step
        self.iterations = iterations
        self.velocity = velocity
        self.fingerprint = fingerprint
        self.trainableDigest = trainableDigest
    }
}
