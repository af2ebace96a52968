import Synchronization
import ThawTraining

/// A clock that moves only when the test says so.
final class ManualClock: Sendable {
    private let time = Mutex(Duration.zero)

    func advance(by duration: Duration) {
        self.time.withLock { $0 += duration }
    }

    var now: ProgressBar.Now {
        { self.time.withLock { $0 } }
    }
}

/// Collects text written to a sink.
final class OutputCollector: Sendable {
    private let text = Mutex("")

    var sink: ProgressBar.Sink {
        { chunk in self.text.withLock { $0 += chunk } }
    }

    var contents: String {
        self.text.withLock { $0 }
    }
}
