import Foundation

/// Work running on a thread of its own, whose outcome another thread waits for with a deadline.
final class BackgroundResult<Value: Sendable>: @unchecked Sendable {
    /// Guards `outcome` and signals its arrival.
    private let condition = NSCondition()

    /// The work's outcome, once it has finished.
    private var outcome: Result<Value, CollectiveError>?

    /// Starts `body` on a new thread named `name`.
    init(name: String, _ body: @escaping @Sendable () throws(CollectiveError) -> Value) {
        let thread = Thread { [self] in
            let result: Result<Value, CollectiveError>
            do throws(CollectiveError) {
                result = .success(try body())
            } catch {
                result = .failure(error)
            }
            self.condition.withLock {
                self.outcome = result
                self.condition.broadcast()
            }
        }
        thread.name = name
        thread.start()
    }

    /// The outcome, waiting for it until `deadline`; `nil` if the work has not finished by then.
    func wait(until deadline: Date) -> Result<Value, CollectiveError>? {
        self.condition.withLock {
            while self.outcome == nil {
                if !self.condition.wait(until: deadline) && Date() >= deadline {
                    break
                }
            }
            return self.outcome
        }
    }
}
