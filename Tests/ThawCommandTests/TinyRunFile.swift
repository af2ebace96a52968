import Foundation

/// A small but complete two-phase MobileNetV2 run on real Fashion-MNIST for the command tests:
/// seeded random weights (no download needed), 32x32 images, dropout, batch norm in both modes,
/// a cached frozen base in phase 1 and a trainable top (or everything) in phase 2.
struct TinyRunFile {
    var name = "tiny"
    var seed = 3
    var trainLimit = 80
    var validationCount = 24
    var testLimit = 40
    var headEpochs = 2
    /// The phase-2 `trainable` value as JSON, e.g. `{"top": 12}` or `"all"`.
    var fineTuneTrainable = #"{"top": 12}"#
    var nesterov = true
    var output = "out"

    /// Writes `<name>.json` into `folder` and returns its URL.
    func write(in folder: URL) throws -> URL {
        let run = """
            {
              "name": "\(self.name)", "seed": \(self.seed),
              "model": {"architecture": "mobilenet_v2", "classes": 10, "dropout": 0.2, "batchNormMomentum": 0.9},
              "data": {"dataset": "fashion-mnist", "path": "/usr/share/datasets/fashion-mnist", "imageSize": 32,
                       "trainLimit": \(self.trainLimit), "validationCount": \(self.validationCount),
                       "testLimit": \(self.testLimit)},
              "batchSize": 16, "microShardSize": 8,
              "phases": [
                {"name": "head", "epochs": \(self.headEpochs), "trainable": "head",
                 "optimizer": {"learningRate": 0.02, "momentum": 0.9, "decay": 0.01}},
                {"name": "fine-tune", "epochs": 1, "trainable": \(self.fineTuneTrainable),
                 "optimizer": {"learningRate": 0.01, "momentum": 0.9, "decay": 0.001, "nesterov": \(self.nesterov)}}
              ],
              "output": "\(self.output)"
            }
            """
        let url = folder.appendingPathComponent("\(self.name).json")
        try run.write(to: url, atomically: true, encoding: .utf8)
        return url
    }
}
