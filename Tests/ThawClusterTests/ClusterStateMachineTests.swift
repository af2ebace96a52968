import ThawCluster
import ThawCollectives
import ThawTensor
import XCTest

final class ClusterStateMachineTests: XCTestCase {
    func testRingFormsInWorkerIdOrderWhateverTheArrivalOrder() {
        var membership = Membership(expectedWorkers: 3)
        XCTAssertEqual(
            membership.onHello(
                workerID: 7, certifiedWorkerID: 7, protocolVersion: Membership.protocolVersion, host: "10.0.0.7",
                ringPort: 7301),
            .admit)
        XCTAssertEqual(
            membership.onHello(
                workerID: 2, certifiedWorkerID: 2, protocolVersion: Membership.protocolVersion, host: "10.0.0.2",
                ringPort: 7302),
            .admit)
        let action = membership.onHello(
            workerID: 5, certifiedWorkerID: 5, protocolVersion: Membership.protocolVersion, host: "10.0.0.5",
            ringPort: 7305)
        XCTAssertEqual(
            action,
            .formRing([
                RingMember(workerID: 2, host: "10.0.0.2", port: 7302),
                RingMember(workerID: 5, host: "10.0.0.5", port: 7305),
                RingMember(workerID: 7, host: "10.0.0.7", port: 7301),
            ]))
        XCTAssertEqual(membership.generation, 1)
    }

    func testHellosThatCannotJoinAreRefusedWithTheReason() {
        var membership = Membership(expectedWorkers: 2)
        XCTAssertEqual(
            membership.onHello(
                workerID: 1, certifiedWorkerID: 1, protocolVersion: Membership.protocolVersion, host: "h",
                ringPort: 1000),
            .admit)

        guard
            case .refuse(let duplicate) = membership.onHello(
                workerID: 1, certifiedWorkerID: 1, protocolVersion: Membership.protocolVersion, host: "h",
                ringPort: 1001)
        else { return XCTFail("a second worker 1 must be refused") }
        XCTAssertTrue(duplicate.contains("already joined"), duplicate)

        guard
            case .refuse(let impostor) = membership.onHello(
                workerID: 3, certifiedWorkerID: 4, protocolVersion: Membership.protocolVersion, host: "h",
                ringPort: 1002)
        else { return XCTFail("a worker claiming another id than its certificate's must be refused") }
        XCTAssertTrue(impostor.contains("certificate"), impostor)

        guard
            case .refuse(let version) = membership.onHello(
                workerID: 2, certifiedWorkerID: 2, protocolVersion: 9, host: "h", ringPort: 1003)
        else { return XCTFail("another protocol version must be refused") }
        XCTAssertTrue(version.contains("protocol 9"), version)
        XCTAssertEqual(membership.members.count, 1)
    }

    func testCollectorNamesTheRanksThatNeverAnswered() {
        var collector = ResponseCollector<Int>(operation: "step 3", step: 3, ranks: [0, 1, 2])
        guard case .waiting(let missing) = collector.onAnswer(10, from: 1) else { return XCTFail() }
        XCTAssertEqual(missing, [0, 2])
        guard case .timedOut(let late) = collector.onDeadline() else { return XCTFail() }
        XCTAssertEqual(late, [0, 2])
        _ = collector.onAnswer(11, from: 0)
        guard case .complete(let answers) = collector.onAnswer(12, from: 2) else { return XCTFail() }
        XCTAssertEqual(answers, [11, 10, 12])
    }

    func testStragglerWatchNamesTheWorkerThatIsSlowOnManySteps() {
        var watch = StragglerWatch(workers: 3)
        for step in 0..<10 {
            watch.record([0.20, step < 6 ? 0.50 : 0.21, 0.19])
        }
        let stragglers = watch.epochEnded()
        XCTAssertEqual(stragglers.map(\.rank), [1])
        XCTAssertEqual(stragglers.first?.slowSteps, 6)
        XCTAssertEqual(stragglers.first?.meanComputeSeconds ?? 0, 0.384, accuracy: 1e-9)
        XCTAssertEqual(watch.epochEnded(), [], "counting starts afresh each epoch")

        var even = StragglerWatch(workers: 2)
        for _ in 0..<10 { even.record([0.2, 0.22]) }
        XCTAssertEqual(even.epochEnded(), [], "ordinary jitter is not straggling")
    }

    func testEveryMessageSurvivesEncodingAndGarbageNeverTraps() throws {
        let images = SampleBatch.images(
            pixels: [1, 2, 3, 4, 5, 6, 7, 8], count: 2, height: 2, width: 2, channels: 1, labels: [3, 4])
        let tensors = SampleBatch.tensors(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]), labels: [0, 9])
        let messages: [ClusterMessage] = [
            .hello(workerID: 3, ringPort: 7301, protocolVersion: 1),
            .welcome(
                Welcome(
                    runConfiguration: Array("{}".utf8), fingerprint: "abc", rank: 1,
                    members: [RingMember(workerID: 1, host: "10.0.0.1", port: 7301)])),
            .ringReady,
            .phaseStart(PhaseStartMessage(phase: 1, weights: [1, 2], iterations: 5, velocity: [0.5])),
            .phaseReady(digest: "0123456789abcdef"),
            .computeFeatures(request: 4, layers: 20, inputs: images),
            .features(request: 4, outputs: Tensor(shape: [1, 2], scalars: [0.25, -1])),
            .stepWork(
                StepWork(
                    phase: 0, epoch: 1, step: 2, globalBatchSize: 16, totalMicroShards: 2,
                    microShards: [MicroShardWork(index: 1, seed: 99, inputs: tensors)])),
            .stepDone(
                StepDone(step: 2, lossSum: 3.5, correct: 7, samples: 16, computeSeconds: 0.1, reduceSeconds: 0.01)),
            .evaluate(request: 1, fromLayer: 8, inputs: tensors),
            .evaluation(request: 1, lossSum: 2.25, correct: 3),
            .stateRequest,
            .state(weights: [1, 2, 3], iterations: 4, velocity: [5]),
            .shutdown,
            .failure("worker 2 diverged"),
        ]
        for message in messages {
            let decoded = try ClusterMessage.decode(type: message.frameType, payload: message.encodedPayload())
            XCTAssertEqual(decoded, message)

            // Every truncation of the payload is refused with an error, never a trap.
            let payload = message.encodedPayload()
            for length in 0..<payload.count {
                XCTAssertThrowsError(
                    try ClusterMessage.decode(type: message.frameType, payload: Array(payload[..<length])))
            }
        }
        var random = SplitMix64(seed: 5)
        for _ in 0..<2000 {
            let type = UInt16(0x0201 + random.next(below: 16))
            let bytes = (0..<Int(random.next(below: 64))).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            _ = try? ClusterMessage.decode(type: type, payload: bytes)
        }
    }
}
