import Foundation

/// Sends one collective's messages to one peer on a thread of its own, in the order they were queued.
///
/// A ring rank must receive from its predecessor while it sends to its successor: if every rank sent a large
/// chunk before receiving, every link's buffers could fill and the ring would deadlock. The collective queues
/// each outgoing piece here and goes on receiving; the thread hands the pieces to the transport. Lifecycle:
/// `init` starts the thread; `enqueue` adds messages; `finish()` waits until all are sent (or throws the first
/// failure) and ends the thread; `cancel()` ends it without waiting.
final class PieceSender: @unchecked Sendable {
    /// The transport messages are sent through.
    private let transport: any CollectiveTransport

    /// The rank every message goes to.
    private let peer: Int

    /// The timeout of each send, and of each wait for one in `finish()`.
    private let timeout: Duration

    /// Guards the state below and signals changes to it.
    private let condition = NSCondition()

    /// Messages queued and not yet taken by the thread; those before `head` are taken.
    private var queue: [(bytes: [UInt8], tag: CollectiveTag)] = []

    /// The index in `queue` of the next message to send.
    private var head = 0

    /// The number of messages the transport has taken.
    private var sentCount = 0

    /// The first send failure; the thread stops at it.
    private var failure: CollectiveError?

    /// No more messages will be queued.
    private var isFinishing = false

    /// The thread should stop without sending the rest.
    private var isCancelled = false

    /// Starts a thread that sends to `peer` through `transport`, each send bounded by `timeout`.
    init(transport: any CollectiveTransport, peer: Int, timeout: Duration) {
        self.transport = transport
        self.peer = peer
        self.timeout = timeout
        let thread = Thread { [self] in
            self.run()
        }
        thread.name = "thaw-collective-send-\(transport.rank)"
        thread.start()
    }

    /// The first failure of a send so far, if any.
    var firstFailure: CollectiveError? {
        self.condition.withLock { self.failure }
    }

    /// Queues `bytes` to be sent as the message `tag`.
    func enqueue(_ bytes: [UInt8], tag: CollectiveTag) {
        self.condition.withLock {
            self.queue.append((bytes, tag))
            self.condition.broadcast()
        }
    }

    /// Waits until every queued message has been sent, then lets the thread end.
    ///
    /// - Throws: the first send failure; `CollectiveError.timedOut` if the transport takes no message for
    ///   longer than the timeout.
    func finish() throws(CollectiveError) {
        let outcome: CollectiveError? = self.condition.withLock {
            self.isFinishing = true
            self.condition.broadcast()

            var lastProgress = self.sentCount
            var deadline = Date() + self.timeout.timeInterval
            while self.failure == nil && self.sentCount < self.queue.count {
                if self.condition.wait(until: deadline) || self.sentCount != lastProgress {
                    lastProgress = self.sentCount
                    deadline = Date() + self.timeout.timeInterval
                } else if Date() >= deadline {
                    self.isCancelled = true
                    return .timedOut(
                        rank: self.transport.rank, peer: self.peer, direction: .sending,
                        tag: self.queue[self.sentCount].tag, after: self.timeout)
                }
            }
            return self.failure
        }
        if let outcome {
            throw outcome
        }
    }

    /// Stops the thread after the send in progress, dropping what is still queued.
    func cancel() {
        self.condition.withLock {
            self.isCancelled = true
            self.condition.broadcast()
        }
    }

    /// The thread's loop: takes the next message and sends it, until finished, cancelled or failed.
    private func run() {
        while let (bytes, tag) = self.next() {
            do throws(CollectiveError) {
                try self.transport.send(bytes, to: self.peer, tag: tag, timeout: self.timeout)
            } catch {
                self.condition.withLock {
                    self.failure = error
                    self.condition.broadcast()
                }
                return
            }

            self.condition.withLock {
                self.sentCount += 1
                self.condition.broadcast()
            }
        }
    }

    /// The next message to send, waiting for one to be queued; `nil` once there is nothing more to do.
    private func next() -> ([UInt8], CollectiveTag)? {
        self.condition.withLock {
            while true {
                if self.isCancelled {
                    return nil
                }
                if self.head < self.queue.count {
                    let message = self.queue[self.head]
                    self.queue[self.head].bytes = []
                    self.head += 1
                    return message
                }
                if self.isFinishing {
                    return nil
                }
                // Idle until the collective queues more; the collective always ends with finish() or cancel().
                _ = self.condition.wait(until: Date() + 1)
            }
        }
    }
}
