import ThawTensor
import XCTest

final class KernelTests: XCTestCase {
    private func randomValues(_ count: Int, seed: UInt64) -> [Float] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in random.nextUnitFloat() * 2 - 1 }
    }

    /// Direct convolution, the slow and obvious way: the model the kernels are checked against.
    private func naiveConvolution(input: [Float], weight: [Float], g: ConvolutionGeometry, depthwise: Bool) -> [Float] {
        var output = [Float](repeating: 0, count: g.batch * g.outputHeight * g.outputWidth * g.outputChannels)
        for n in 0..<g.batch {
            for oy in 0..<g.outputHeight {
                for ox in 0..<g.outputWidth {
                    for o in 0..<g.outputChannels {
                        var sum: Float = 0
                        for ky in 0..<g.kernelHeight {
                            for kx in 0..<g.kernelWidth {
                                let iy = oy * g.stride - g.padTop + ky
                                let ix = ox * g.stride - g.padLeft + kx
                                guard iy >= 0, iy < g.inputHeight, ix >= 0, ix < g.inputWidth else { continue }
                                let pixel = ((n * g.inputHeight + iy) * g.inputWidth + ix) * g.inputChannels
                                if depthwise {
                                    sum += input[pixel + o] * weight[(ky * g.kernelWidth + kx) * g.inputChannels + o]
                                } else {
                                    for i in 0..<g.inputChannels {
                                        let w = weight[
                                            ((ky * g.kernelWidth + kx) * g.inputChannels + i) * g.outputChannels + o]
                                        sum += input[pixel + i] * w
                                    }
                                }
                            }
                        }
                        output[((n * g.outputHeight + oy) * g.outputWidth + ox) * g.outputChannels + o] = sum
                    }
                }
            }
        }
        return output
    }

    private func geometry(channels: Int, outputs: Int, stride: Int, pad: (Int, Int, Int, Int)) -> ConvolutionGeometry {
        ConvolutionGeometry(
            batch: 2, inputHeight: 7, inputWidth: 6, inputChannels: channels, outputChannels: outputs, kernelHeight: 3,
            kernelWidth: 3, stride: stride, padTop: pad.0, padLeft: pad.1, padBottom: pad.2, padRight: pad.3)
    }

    func testGemmMatchesNaiveProductForAllTransposes() {
        let (m, n, k) = (5, 7, 3)
        let a = self.randomValues(m * k, seed: 1)
        let b = self.randomValues(k * n, seed: 2)
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                var c = [Float](repeating: 0.5, count: m * n)
                BLAS.gemm(
                    transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 2, a: a, b: b, beta: 1,
                    c: &c)
                for row in 0..<m {
                    for column in 0..<n {
                        var expected: Float = 0
                        for inner in 0..<k {
                            let left = transposeA ? a[inner * m + row] : a[row * k + inner]
                            let right = transposeB ? b[column * k + inner] : b[inner * n + column]
                            expected += left * right
                        }
                        XCTAssertEqual(c[row * n + column], 0.5 + 2 * expected, accuracy: 1e-5)
                    }
                }
            }
        }
    }

    func testGemmWithEmptyInnerDimensionScalesOutput() {
        var c: [Float] = [1, 2, 3, 4]
        BLAS.gemm(m: 2, n: 2, k: 0, a: [], b: [], beta: 0.5, c: &c)
        XCTAssertEqual(c, [0.5, 1, 1.5, 2])
    }

    func testIm2colGemmEqualsDirectConvolutionWithStrideAndAsymmetricPadding() {
        for (stride, pad) in [(1, (1, 1, 1, 1)), (2, (0, 0, 1, 1)), (2, (1, 1, 1, 1)), (3, (0, 2, 0, 0))] {
            let g = self.geometry(channels: 3, outputs: 4, stride: stride, pad: pad)
            let input = self.randomValues(g.batch * 7 * 6 * 3, seed: 3)
            let weight = self.randomValues(9 * 3 * 4, seed: 4)
            let rows = g.batch * g.outputHeight * g.outputWidth
            var patches = [Float](repeating: .nan, count: rows * g.patchSize)
            ConvolutionKernels.im2col(input, geometry: g, columns: &patches)
            var output = [Float](repeating: 0, count: rows * 4)
            BLAS.gemm(m: rows, n: 4, k: g.patchSize, a: patches, b: weight, c: &output)
            let expected = self.naiveConvolution(input: input, weight: weight, g: g, depthwise: false)
            for (got, want) in zip(output, expected) { XCTAssertEqual(got, want, accuracy: 1e-5, "stride \(stride)") }
        }
    }

    func testCol2imIsTheAdjointOfIm2col() {
        // <im2col(x), p> == <x, col2im(p)> for any x and p.
        let g = self.geometry(channels: 2, outputs: 1, stride: 2, pad: (1, 0, 1, 2))
        let x = self.randomValues(g.batch * 7 * 6 * 2, seed: 5)
        let rows = g.batch * g.outputHeight * g.outputWidth
        let p = self.randomValues(rows * g.patchSize, seed: 6)
        var lowered = [Float](repeating: 0, count: rows * g.patchSize)
        ConvolutionKernels.im2col(x, geometry: g, columns: &lowered)
        var folded = [Float](repeating: .nan, count: x.count)
        ConvolutionKernels.col2im(p, geometry: g, input: &folded)
        let left = zip(lowered, p).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        let right = zip(x, folded).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        XCTAssertEqual(left, right, accuracy: 1e-4)
    }

    func testDepthwiseForwardMatchesDirectConvolution() {
        for stride in [1, 2] {
            let g = self.geometry(channels: 5, outputs: 5, stride: stride, pad: (1, 1, 1, 1))
            let input = self.randomValues(g.batch * 7 * 6 * 5, seed: 7)
            let weight = self.randomValues(9 * 5, seed: 8)
            var output = [Float](repeating: .nan, count: g.batch * g.outputHeight * g.outputWidth * 5)
            ConvolutionKernels.depthwiseForward(input: input, weight: weight, geometry: g, output: &output)
            let expected = self.naiveConvolution(input: input, weight: weight, g: g, depthwise: true)
            for (got, want) in zip(output, expected) { XCTAssertEqual(got, want, accuracy: 1e-5) }
        }
    }

    func testExactSumIsIdenticalForEveryOrderAndGrouping() {
        // Twelve contributions of wildly different magnitudes, summed one by one in several
        // orders and as partial sums in several groupings, must give the same bits.
        let terms = 12
        let count = 257
        var random = SplitMix64(seed: 9)
        let contributions: [[Float]] = (0..<terms).map { term in
            (0..<count).map { _ in (random.nextUnitFloat() - 0.5) * Float(1 << (term % 7)) * 1e-3 }
        }
        let largest = contributions.map {
            $0.withUnsafeBufferPointer { ExactSum.maxMagnitude($0.baseAddress!, count: count) }
        }.max()!
        let exponent = ExactSum.exponent(maxMagnitude: largest, terms: terms)!

        func sum(groups: [[Int]]) -> [Float] {
            var total = [Int64](repeating: 0, count: count)
            for group in groups {
                var partial = [Int64](repeating: 0, count: count)
                for term in group {
                    ExactSum.accumulate(contributions[term], count: count, exponent: exponent, into: &partial)
                }
                for index in 0..<count { total[index] &+= partial[index] }
            }
            var result = [Float](repeating: 0, count: count)
            ExactSum.unscale(total, count: count, exponent: exponent, into: &result)
            return result
        }

        let reference = sum(groups: [Array(0..<terms)])
        XCTAssertEqual(sum(groups: [Array((0..<terms).reversed())]), reference)
        XCTAssertEqual(sum(groups: [[0, 5, 7], [1, 2, 3, 4], [6, 8, 9, 10, 11]]), reference)
        XCTAssertEqual(sum(groups: (0..<terms).map { [$0] }.shuffled(using: &random)), reference)

        // And it is the true sum rounded to a Float (within one unit in the last place).
        for index in 0..<count {
            let exact = contributions.reduce(0.0) { $0 + Double($1[index]) }
            XCTAssertEqual(Double(reference[index]), exact, accuracy: Double(reference[index].ulp))
        }
    }

    func testExactSumReportsNonFiniteInput() {
        let values: [Float] = [1, .nan, 2]
        let largest = ExactSum.maxMagnitude(values, count: 3)
        XCTAssertNil(ExactSum.exponent(maxMagnitude: largest, terms: 2))
        XCTAssertEqual(ExactSum.exponent(maxMagnitude: 0, terms: 4), 0)
    }

    func testMaxMagnitudeMatchesTheNaiveModelAndFindsNonFiniteValuesAnywhere() {
        var random = SplitMix64(seed: 9)
        for count in [0, 1, 7, 8, 9, 31, 1000] {
            var values = (0..<count).map { _ in Float(random.nextGaussian()) * 3 }
            if count > 2 { values[count / 2] = -Float(count) }  // the largest magnitude, negative
            let naive = values.map(abs).max() ?? 0
            XCTAssertEqual(ExactSum.maxMagnitude(values, count: count), naive, "count \(count)")
            XCTAssertEqual(ExactSum.maxMagnitude([-0.0, 0], count: 2).bitPattern, Float(0).bitPattern)

            for special: Float in [.nan, .infinity, -.infinity, -.nan] where count > 0 {
                for position in Set([0, count / 3, count - 1]) {
                    var spoiled = values
                    spoiled[position] = special
                    XCTAssertEqual(ExactSum.maxMagnitude(spoiled, count: count), .infinity, "\(special) at \(position)")
                }
            }
        }
    }

    func testAccumulateGivesTheIntegersOfTheScalarConversionForEveryMagnitude() {
        // Every binade a contribution can take, ties, subnormals and signed zeros, at the largest exponent
        // the sum allows and far below it; compared with the plain conversion, element by element.
        var random = SplitMix64(seed: 13)
        var values: [Float] = [0, -0.0, .leastNonzeroMagnitude, -.leastNormalMagnitude, 0.5, -0.5, 1.5, -2.5, 3.5]
        for binade in -140...20 {
            for _ in 0..<6 {
                let mantissa = Float(random.next() % (1 << 24)) / Float(1 << 24) + 1
                values.append(
                    (random.next() % 2 == 0 ? 1 : -1) * Float(sign: .plus, exponent: binade, significand: mantissa))
            }
        }
        let largest = ExactSum.maxMagnitude(values, count: values.count)
        let top = ExactSum.exponent(maxMagnitude: largest, terms: 1)!
        for exponent in [top, top - 20, top - 61, 150, 170] {
            let scale = scalbn(1.0, exponent)
            // The sum's exponent never lets a scaled value reach 2^62; keep only the values this one allows.
            let values = values.filter { abs(Double($0) * scale) < 0x1p62 }
            let start = (0..<values.count).map { Int64($0) &* 0x1234_5678_9ABC }
            var sums = start
            ExactSum.accumulate(values, count: values.count, exponent: exponent, into: &sums)
            for (index, value) in values.enumerated() {
                let expected = start[index] &+ Int64((Double(value) * scale).rounded(.toNearestOrEven))
                XCTAssertEqual(sums[index], expected, "\(value) at exponent \(exponent)")
            }
        }
    }

    func testSplitMixSequenceIsPinned() {
        // Pinned so that a change to the generator, which would change every seeded run, is seen.
        var random = SplitMix64(seed: 42)
        XCTAssertEqual(random.next(), 0xbdd7_3226_2feb_6e95)
        var streams = SplitMix64(seed: 42, streams: [1, 2])
        var same = SplitMix64(seed: 42, streams: [1, 2])
        var other = SplitMix64(seed: 42, streams: [2, 1])
        let first = streams.next()
        XCTAssertEqual(first, same.next())
        XCTAssertNotEqual(first, other.next())
    }
}
