import Foundation

/// The messages in flight on one direction of one in-memory link, with the fault injected into it.
final class InMemoryMailbox: @unchecked Sendable {
    /// Guards the state below and signals changes to it.
    private let condition = NSCondition()

    /// Messages sent and not yet received; those before `head` are received.
    private var messages: [(tag: CollectiveTag, bytes: [UInt8])] = []

    /// The index in `messages` of the next message to receive.
    private var head = 0

    /// The fault injected, if any.
    private var fault: InMemoryLinkFault?

    /// Sets the link's fault and wakes a waiting receiver.
    func inject(_ fault: InMemoryLinkFault) {
        self.condition.withLock {
            self.fault = fault
            self.condition.broadcast()
        }
    }

    /// Queues a message, unless the link is faulty.
    ///
    /// - Returns: the fault that stopped the message, if any; a silent link drops it.
    func post(_ bytes: [UInt8], tag: CollectiveTag) -> InMemoryLinkFault? {
        self.condition.withLock {
            switch self.fault {
            case .broken:
                return .broken
            case .silent:
                return nil
            case nil:
                self.messages.append((tag, bytes))
                self.condition.broadcast()
                return nil
            }
        }
    }

    /// The outcome of waiting for a message.
    enum Delivery {
        case message(tag: CollectiveTag, bytes: [UInt8])
        case broken
        case timedOut
    }

    /// Waits until `deadline` for the next message.
    func take(until deadline: Date) -> Delivery {
        self.condition.withLock {
            while true {
                if self.fault == .broken {
                    return .broken
                }
                if self.fault != .silent && self.head < self.messages.count {
                    let message = self.messages[self.head]
                    self.messages[self.head].bytes = []
                    self.head += 1
                    if self.head == self.messages.count {
                        self.messages.removeAll(keepingCapacity: true)
                        self.head = 0
                    }
                    return .message(tag: message.tag, bytes: message.bytes)
                }
                if !self.condition.wait(until: deadline) && Date() >= deadline {
                    return .timedOut
                }
            }
        }
    }
}
