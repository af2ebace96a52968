import ThawData
import ThawTensor

/// The parts of a run that must be computed the same way wherever it runs: the per-epoch order
/// of the samples and the seed of each micro-shard's dropout. The one-process trainer and the
/// coordinator both take them from here.
public enum RunSchedule {
    /// The sampler of phase `phase`: a permutation of `count` samples per epoch.
    public static func sampler(count: Int, seed: UInt64, phase: Int) -> EpochSampler {
        EpochSampler(count: count, seed: SplitMix64.derive(seed: seed, streams: [UInt64(phase)]))
    }

    /// The dropout seed of one micro-shard.
    public static func microShardSeed(seed: UInt64, phase: Int, epoch: Int, step: Int, microShard: Int) -> UInt64 {
        SplitMix64.derive(seed: seed, streams: [UInt64(phase), UInt64(epoch), UInt64(step), UInt64(microShard)])
    }

    /// The epochs of the phases before `phase`: where it starts on the run's epoch axis.
    public static func epochsBefore(phase: Int, of configuration: RunConfiguration) -> Int {
        configuration.phases[..<phase].reduce(0) { $0 + $1.epochs }
    }
}
