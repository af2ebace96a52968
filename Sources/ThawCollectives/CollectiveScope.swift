/// Where in a run a collective takes place: the run, the membership generation and the training step.
///
/// Every message a collective sends carries its scope, and a receiver rejects a message whose scope differs
/// from its own, so a message left over from an earlier step or an earlier membership is never mistaken for
/// a current one (DESIGN.md, "Failure model").
public struct CollectiveScope: Sendable, Hashable, CustomStringConvertible {
    /// The run the collective belongs to.
    public var runID: UInt64

    /// The membership generation of the group performing it.
    public var generation: UInt64

    /// The training step it concerns.
    public var step: UInt64

    /// The scope of step `step` of run `runID` in membership `generation`.
    public init(runID: UInt64, generation: UInt64, step: UInt64) {
        self.runID = runID
        self.generation = generation
        self.step = step
    }

    /// Such as `step 17 (run 7, generation 2)`.
    public var description: String {
        "step \(self.step) (run \(self.runID), generation \(self.generation))"
    }
}
