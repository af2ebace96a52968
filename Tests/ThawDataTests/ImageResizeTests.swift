import ThawData
import XCTest

final class ImageResizeTests: XCTestCase {
    /// Half-pixel centres: output column 1 of 4 sits at input coordinate 0.25, so it is
    /// 0.75 * left + 0.25 * right; the outer columns clamp to the edge pixels.
    func testUpscaling2x2MatchesHandComputedHalfPixelBilinear() {
        let image: [Float] = [0, 4, 8, 12]

        let resized = ImageResize.bilinear(image, height: 2, width: 2, channels: 1, toHeight: 4, toWidth: 4)

        let expected: [Float] = [
            0, 1, 3, 4,
            2, 3, 5, 6,
            6, 7, 9, 10,
            8, 9, 11, 12,
        ]
        XCTAssertEqual(resized, expected)
    }

    /// Shrinking 4 to 2 widens the triangle to four input pixels: output 0 at centre 1.0 takes
    /// pixels 0, 1, 2 with weights 3/7, 3/7, 1/7 (pixel 3 falls outside its support).
    func testDownscalingByTwoAveragesUnderTheWidenedTriangle() {
        let row: [Float] = [0, 7, 14, 21]

        let resized = ImageResize.bilinear(row, height: 1, width: 4, channels: 1, toHeight: 1, toWidth: 2)

        let first: Float = (3 * 0 + 3 * 7 + 1 * 14) / 7
        let second: Float = (1 * 7 + 3 * 14 + 3 * 21) / 7
        XCTAssertEqual(resized[0], first, accuracy: 1e-5)
        XCTAssertEqual(resized[1], second, accuracy: 1e-5)
    }

    /// Stripes of period 2 shrunk by 4: plain bilinear would sample two neighbours at each output
    /// and alias; the antialiasing filter averages the stripes out to near 0.5.
    func testDownscalingStripesByFourAntialiasesThem() {
        let stripes: [Float] = (0..<16).map { Float($0 % 2) }

        let resized = ImageResize.bilinear(stripes, height: 1, width: 16, channels: 1, toHeight: 1, toWidth: 4)

        for value in resized {
            XCTAssertEqual(value, 0.5, accuracy: 0.07)
        }
    }

    func testIdentitySizeIsExact() {
        let image: [Float] = (0..<(5 * 7 * 3)).map { Float($0) * 0.37 - 11.1 }

        let resized = ImageResize.bilinear(image, height: 5, width: 7, channels: 3, toHeight: 5, toWidth: 7)

        XCTAssertEqual(resized, image)
    }

    func testChannelsAreResizedIndependently() {
        let red: [Float] = [0, 4, 8, 12]
        let interleaved = red.flatMap { [$0, 100 - $0] }

        let resized = ImageResize.bilinear(interleaved, height: 2, width: 2, channels: 2, toHeight: 3, toWidth: 5)
        let redOnly = ImageResize.bilinear(red, height: 2, width: 2, channels: 1, toHeight: 3, toWidth: 5)

        for pixel in 0..<15 {
            XCTAssertEqual(resized[2 * pixel], redOnly[pixel], accuracy: 1e-5)
            XCTAssertEqual(resized[2 * pixel + 1], 100 - redOnly[pixel], accuracy: 1e-4)
        }
    }

    /// Values printed by `Fixtures/pillow_resize_oracle.py` (Pillow, mode "F", `Image.BILINEAR`).
    func testNonIntegerScalesMatchPillow() {
        let cases: [(size: [Int], expected: [Float])] = [
            (
                [5, 7, 3, 4],
                [
                    2.770408, 4.708571, 5.477143, 6.022109, 4.665344, 3.613333, 5.042222, 5.966931, 6.280612,
                    4.994286, 4.162857, 5.382653,
                ]
            ),
            (
                [3, 4, 5, 9],
                [
                    0.000000, 1.208333, 4.430555, 7.097222, 5.875000, 4.652778, 3.430556, 2.208333, 1.750000,
                    1.200000, 1.741667, 3.186111, 4.519444, 5.075000, 5.630556, 4.630556, 3.408333, 2.950000,
                    3.000000, 2.541667, 1.319444, 0.652778, 3.875000, 7.097222, 6.430555, 5.208333, 4.750000,
                    4.800000, 4.341667, 3.119445, 2.119445, 2.675000, 3.230556, 4.563889, 6.008333, 6.550000,
                    6.000000, 5.541667, 4.319445, 3.097222, 1.875000, 0.652778, 3.319444, 6.541667, 7.750000,
                ]
            ),
            ([9, 9, 2, 3], [4.485035, 5.048513, 6.560740, 5.316021, 5.683881, 5.507923]),
        ]

        for (size, expected) in cases {
            let (height, width) = (size[0], size[1])
            var image: [Float] = []
            for y in 0..<height {
                for x in 0..<width {
                    image.append(Float((x * 7 + y * 13) % 10) + Float(x) * 0.25)
                }
            }

            let resized = ImageResize.bilinear(
                image, height: height, width: width, channels: 1, toHeight: size[2], toWidth: size[3])

            XCTAssertEqual(resized.count, expected.count)
            for (actual, wanted) in zip(resized, expected) {
                XCTAssertEqual(actual, wanted, accuracy: 2e-5, "resizing \(size)")
            }
        }
    }

    func testCentreCropTakesTheMiddleWindow() {
        let image: [Float] = (0..<(4 * 5)).map(Float.init)

        let cropped = ImageResize.centreCrop(image, height: 4, width: 5, channels: 1, toHeight: 2, toWidth: 3)

        XCTAssertEqual(cropped, [6, 7, 8, 11, 12, 13])
    }

    /// torchvision rounds `(size - crop) / 2` with Python's `round`, halves to even.
    func testCentreCropOriginRoundsHalvesToEvenLikeTorchvision() {
        XCTAssertEqual(ImageResize.centreCropOrigin(height: 256, width: 384, toHeight: 224, toWidth: 224).top, 16)
        XCTAssertEqual(ImageResize.centreCropOrigin(height: 256, width: 384, toHeight: 224, toWidth: 224).left, 80)
        XCTAssertEqual(ImageResize.centreCropOrigin(height: 5, width: 7, toHeight: 4, toWidth: 4).top, 0)
        XCTAssertEqual(ImageResize.centreCropOrigin(height: 5, width: 7, toHeight: 4, toWidth: 4).left, 2)
    }
}
