import XCTest

@testable import ThawTraining

final class ProgressBarTests: XCTestCase {
    private func makeBar(isTerminal: Bool, clock: ManualClock, output: OutputCollector, steps: Int = 20) -> ProgressBar
    {
        ProgressBar(
            epoch: 2,
            epochCount: 5,
            stepCount: steps,
            isTerminal: isTerminal,
            width: 10,
            plainUpdateFraction: 0.25,
            plainUpdateInterval: .seconds(30),
            terminalRedrawInterval: .milliseconds(100),
            now: clock.now,
            sink: output.sink
        )
    }

    func testTerminalOutputRedrawsInPlaceAndEndsWithValidation() {
        let clock = ManualClock()
        let output = OutputCollector()
        var bar = self.makeBar(isTerminal: true, clock: clock, output: output)

        bar.start()
        clock.advance(by: .seconds(2))
        bar.update(step: 2, samples: 64, loss: 1.25, accuracy: 0.5)
        clock.advance(by: .milliseconds(50))
        bar.update(step: 3, samples: 96, loss: 1.2, accuracy: 0.51)
        clock.advance(by: .seconds(18))
        bar.update(step: 20, samples: 640, loss: 0.75, accuracy: 0.8125)
        clock.advance(by: .seconds(1))
        bar.finish(samples: 640, loss: 0.75, accuracy: 0.8125, validationLoss: 0.5, validationAccuracy: 0.875)

        let expected =
            "Epoch 2/5\n"
            + "\r 2/20 [>.........] - ETA: 0:18 - loss: 1.2500 - accuracy: 0.5000 - 32.0 samples/s"
            + "\r20/20 [==========] - loss: 0.7500 - accuracy: 0.8125 - 31.9 samples/s"
            + String(repeating: " ", count: " - ETA: 0:18".count)
            + "\r20/20 [==========] - 0:21 elapsed - 1.1s/step - loss: 0.7500 - accuracy: 0.8125 - 30.4 samples/s"
            + " - val_loss: 0.5000 - val_accuracy: 0.8750\n"
        XCTAssertEqual(output.contents, expected)
    }

    func testPlainOutputWritesOneLinePerQuarterAndAFinalLine() {
        let clock = ManualClock()
        let output = OutputCollector()
        var bar = self.makeBar(isTerminal: false, clock: clock, output: output)

        bar.start()
        for step in 1...20 {
            clock.advance(by: .milliseconds(500))
            bar.update(step: step, samples: step * 32, loss: 2.0 / Double(step), accuracy: Double(step) / 25)
        }
        bar.finish(samples: 640, loss: 0.1, accuracy: 0.8)

        let expected = """
            Epoch 2/5
             5/20 [=>........] - ETA: 0:08 - loss: 0.4000 - accuracy: 0.2000 - 64.0 samples/s
            10/20 [====>.....] - ETA: 0:05 - loss: 0.2000 - accuracy: 0.4000 - 64.0 samples/s
            15/20 [======>...] - ETA: 0:03 - loss: 0.1333 - accuracy: 0.6000 - 64.0 samples/s
            20/20 [==========] - 0:10 elapsed - 500ms/step - loss: 0.1000 - accuracy: 0.8000 - 64.0 samples/s

            """
        XCTAssertEqual(output.contents, expected)
    }

    func testPlainOutputAlsoWritesWhenTheIntervalPasses() {
        let clock = ManualClock()
        let output = OutputCollector()
        var bar = self.makeBar(isTerminal: false, clock: clock, output: output, steps: 1000)

        bar.start()
        clock.advance(by: .seconds(31))
        bar.update(step: 1, samples: 32, loss: 1, accuracy: 0.5)
        clock.advance(by: .seconds(1))
        bar.update(step: 2, samples: 64, loss: 1, accuracy: 0.5)

        XCTAssertEqual(
            output.contents,
            "Epoch 2/5\n   1/1000 [..........] - ETA: 8:36:09 - loss: 1.0000 - accuracy: 0.5000 - 1.0 samples/s\n"
        )
    }

    func testClockTextSwitchesToHoursFromAnHour() {
        XCTAssertEqual(ProgressBar.clockText(62), "1:02")
        XCTAssertEqual(ProgressBar.clockText(5), "0:05")
        XCTAssertEqual(ProgressBar.clockText(3725), "1:02:05")
    }
}
