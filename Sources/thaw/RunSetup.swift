import Foundation
import ThawLayers
import ThawTensor
import ThawTraining

/// What every command that works on a run file needs: the configuration, its output folder,
/// the model and the data, with BLAS pinned to one thread.
struct RunSetup {
    let configuration: RunConfiguration
    let output: URL
    let model: Model
    let log: Log

    var checkpointURL: URL { self.output.appendingPathComponent("checkpoint.safetensors") }
    var metricsURL: URL { self.output.appendingPathComponent("metrics.jsonl") }
    var plotURL: URL { self.output.appendingPathComponent("curves.svg") }

    /// Loads the run file and builds the model with its base weights.
    /// - Parameter output: overrides the run file's output folder.
    init(runFile: URL, output: URL?, log: Log) throws {
        // One BLAS thread per process: results then depend only on the micro-shard, which is what
        // makes runs reproducible (OpenBLAS's sums depend on the thread count).
        BLAS.setThreadCount(1)
        self.log = log
        self.configuration = try RunConfiguration.load(from: runFile)
        self.output = output ?? URL(fileURLWithPath: self.configuration.output)
        log(
            .info, "loading model",
            [
                ("architecture", self.configuration.model.architecture.rawValue),
                ("weights", self.configuration.model.weights ?? "none"),
            ])
        self.model = try ModelFactory.makeModel(self.configuration)
    }

    /// Loads and splits the run's data set.
    func loadData() throws -> PreparedData {
        let started = Date()
        let data = try PreparedData.load(self.configuration.data)
        self.log(
            .info, "data ready",
            [
                ("dataset", self.configuration.data.dataset.rawValue), ("train", String(data.train.count)),
                ("validation", String(data.validation.count)), ("test", String(data.test.count)),
                ("image_size", String(self.configuration.data.imageSize)),
                ("seconds", String(format: "%.1f", Date().timeIntervalSince(started))),
            ])
        return data
    }
}
