/// Deterministic test data: a small xorshift-multiply generator, so every run sees the same values.
struct TestValues {
    private var state: UInt64

    init(seed: UInt64) {
        self.state = seed &+ 0x9E37_79B9_7F4A_7C15
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var value = self.state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// `count` integers over the whole `Int64` range, so sums wrap.
    mutating func integers(_ count: Int) -> [Int64] {
        (0..<count).map { _ in Int64(bitPattern: self.next()) }
    }

    /// `count` floats in -1000...1000, with zeros of both signs mixed in.
    mutating func floats(_ count: Int) -> [Float] {
        (0..<count).map { _ in
            let bits = self.next()
            switch bits % 16 {
            case 0:
                return 0
            case 1:
                return -0.0
            default:
                return Float(Double(bits >> 11) / Double(1 << 53) * 2000 - 1000)
            }
        }
    }
}
