/// Copies a graph of `PickleNode`s into an immutable `PickleValue`.
///
/// Each container is converted once and its value shared (Swift arrays share storage), so the
/// work is linear in the pickle. The result's size counts every value as often as it is
/// reachable, which is what a reader walking the result pays; it is capped, so a pickle of
/// lists that each hold the previous one twice is refused. A container that contains itself is
/// refused too.
struct PickleValueBuilder {
    /// Why a graph could not be converted.
    struct Failure: Error {
        var reason: String
    }

    let maximumSize: Int
    let maximumDepth: Int

    private var converted: [ObjectIdentifier: (value: PickleValue, size: Int)] = [:]
    private var inProgress = Set<ObjectIdentifier>()

    init(maximumSize: Int, maximumDepth: Int) {
        self.maximumSize = maximumSize
        self.maximumDepth = maximumDepth
    }

    /// The value of `node` and its size counted with repetitions.
    mutating func makeValue(_ node: PickleNode, depth: Int = 0) throws(Failure) -> (value: PickleValue, size: Int) {
        let object: AnyObject
        switch node {
        case .leaf(let value): return (value, 1)
        case .list(let list): object = list
        case .tuple(let tuple): object = tuple
        case .dictionary(let dictionary): object = dictionary
        }

        let identifier = ObjectIdentifier(object)
        if let done = self.converted[identifier] {
            return done
        }
        guard depth < self.maximumDepth else {
            throw Failure(reason: "the result nests deeper than \(self.maximumDepth) levels")
        }
        guard self.inProgress.insert(identifier).inserted else {
            throw Failure(reason: "a container contains itself")
        }
        defer { self.inProgress.remove(identifier) }

        var size = 1
        let value: PickleValue
        switch node {
        case .list(let list):
            value = .list(try self.makeValues(list.items, depth: depth, size: &size))
        case .tuple(let tuple):
            value = .tuple(try self.makeValues(tuple.items, depth: depth, size: &size))
        case .dictionary(let dictionary):
            let keys = try self.makeValues(dictionary.entries.map(\.key), depth: depth, size: &size)
            let values = try self.makeValues(dictionary.entries.map(\.value), depth: depth, size: &size)
            value = .dict(zip(keys, values).map { (key: $0, value: $1) })
        case .leaf(let leaf):
            value = leaf
        }

        self.converted[identifier] = (value, size)
        return (value, size)
    }

    private mutating func makeValues(_ nodes: [PickleNode], depth: Int, size: inout Int) throws(Failure)
        -> [PickleValue]
    {
        var values: [PickleValue] = []
        values.reserveCapacity(nodes.count)
        for node in nodes {
            let (value, childSize) = try self.makeValue(node, depth: depth + 1)
            size += childSize
            guard size <= self.maximumSize else {
                throw Failure(reason: "the result holds more than \(self.maximumSize) values counting repeats")
            }
            values.append(value)
        }
        return values
    }
}
