import Foundation
import FoundationXML
import ThawTraining
import XCTest

final class LearningCurvePlotTests: XCTestCase {
    /// Three head epochs with ten steps each, then one fine-tune epoch, then a test evaluation.
    private var records: [MetricsRecord] {
        var records = [MetricsRecord(event: .phase, phase: "head", epoch: 1, fractionalEpoch: 0, wallTime: 0)]
        for epoch in 1...4 {
            let phase = epoch <= 3 ? "head" : "fine-tune"
            if epoch == 4 {
                records.append(MetricsRecord(event: .phase, phase: phase, epoch: 4, fractionalEpoch: 3, wallTime: 30))
            }
            for step in 1...10 {
                let progress = Double(epoch - 1) + Double(step) / 10
                records.append(
                    MetricsRecord(
                        event: .step,
                        phase: phase,
                        epoch: epoch,
                        step: step,
                        fractionalEpoch: progress,
                        loss: 2 / (1 + progress),
                        accuracy: 0.5 + progress / 10,
                        wallTime: progress * 10
                    )
                )
            }
            records.append(
                MetricsRecord(
                    event: .epoch,
                    phase: phase,
                    epoch: epoch,
                    fractionalEpoch: Double(epoch),
                    loss: 2 / (1 + Double(epoch)),
                    accuracy: 0.5 + Double(epoch) / 10,
                    validationLoss: 2.2 / (1 + Double(epoch)),
                    validationAccuracy: 0.45 + Double(epoch) / 10,
                    wallTime: Double(epoch) * 10
                )
            )
        }
        records.append(
            MetricsRecord(
                event: .test, phase: "fine-tune", epoch: 4, fractionalEpoch: 4, loss: 0.5, accuracy: 0.86, wallTime: 41)
        )
        return records
    }

    func testSVGIsWellFormedXMLWithAnSVGRoot() throws {
        let svg = try LearningCurvePlot(records: self.records, title: "demo <fashion & mobilenet>").makeSVG()

        let elements = try SVGElements(parsing: svg)

        XCTAssertEqual(elements.all.first?.name, "svg")
        XCTAssertEqual(elements.all.first?.attributes["xmlns"], "http://www.w3.org/2000/svg")
        XCTAssertTrue(elements.texts.contains("demo <fashion & mobilenet>"))
    }

    func testPhaseSwitchIsDrawnAtItsEpochInBothPanels() throws {
        let plot = LearningCurvePlot(records: self.records, title: "demo")
        let axis = try plot.epochAxis()

        let elements = try SVGElements(parsing: try plot.makeSVG())
        let switches = elements.all.filter { $0.attributes["class"] == "phase-switch" }

        XCTAssertEqual(axis, 0...4)
        XCTAssertEqual(switches.map { $0.attributes["data-phase"] }, ["fine-tune", "fine-tune"])
        for (panel, line) in switches.enumerated() {
            let frame = plot.layout.plotFrame(panel: panel)
            let expected = frame.x + frame.width * 3 / 4
            XCTAssertEqual(try XCTUnwrap(Double(line.attributes["x1"] ?? "")), expected, accuracy: 0.01)
            XCTAssertEqual(line.attributes["x1"], line.attributes["x2"])
            XCTAssertEqual(line.attributes["stroke-dasharray"], "6 4")
        }
        XCTAssertEqual(elements.texts.filter { $0 == "fine-tune" }.count, 2)
    }

    func testPanelsHaveCurvesAxesAndLegend() throws {
        let svg = try LearningCurvePlot(records: self.records, title: "demo").makeSVG()

        let elements = try SVGElements(parsing: svg)
        let panels = elements.all.filter { $0.attributes["class"] == "panel" }.map { $0.attributes["data-metric"] }
        let training = elements.all.filter { $0.attributes["class"] == "training" }
        let validation = elements.all.filter { $0.attributes["class"] == "validation" }

        XCTAssertEqual(panels, ["loss", "accuracy"])
        XCTAssertEqual(training.count, 2)
        XCTAssertEqual(training.first?.attributes["points"]?.split(separator: " ").count, 40)
        XCTAssertEqual(validation.first?.attributes["points"]?.split(separator: " ").count, 4)
        XCTAssertEqual(elements.all.filter { $0.attributes["class"] == "test" }.count, 2)
        XCTAssertEqual(elements.all.filter { $0.name == "circle" }.count, 8)
        for label in ["epoch", "loss", "accuracy", "training", "validation", "test", "0", "1", "2", "3", "4", "0.2"] {
            XCTAssertTrue(elements.texts.contains(label), "missing text \(label)")
        }
    }

    func testPlotWritesAFileThatParses() throws {
        let folder = try TemporaryFolder(testCase: self)
        let url = folder.url.appendingPathComponent("curves.svg")

        try LearningCurvePlot(records: self.records, title: "demo").write(to: url)

        let elements = try SVGElements(parsing: try String(contentsOf: url, encoding: .utf8))
        XCTAssertEqual(elements.all.first?.name, "svg")
    }

    func testEpochRecordsStandInWhenThereAreNoSteps() throws {
        let epochsOnly = self.records.filter { $0.event != .step }

        let elements = try SVGElements(parsing: try LearningCurvePlot(records: epochsOnly, title: "demo").makeSVG())

        let training = elements.all.first { $0.attributes["class"] == "training" }
        XCTAssertEqual(training?.attributes["points"]?.split(separator: " ").count, 4)
    }

    func testPlotWithoutDataIsAnError() {
        let onlyPhases = [MetricsRecord(event: .phase, phase: "head", epoch: 1, fractionalEpoch: 0, wallTime: 0)]

        XCTAssertThrowsError(try LearningCurvePlot(records: onlyPhases, title: "demo").makeSVG()) { error in
            XCTAssertEqual(error as? LearningCurvePlotError, .noData)
        }
    }
}

/// The elements and text of an XML document, read with Foundation's parser; parsing fails on malformed XML.
private final class SVGElements: NSObject, XMLParserDelegate {
    struct Element {
        let name: String
        let attributes: [String: String]
    }

    private(set) var all: [Element] = []
    private(set) var texts: [String] = []
    private var currentText = ""

    init(parsing text: String) throws {
        super.init()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = self
        guard parser.parse() else {
            throw parser.parserError ?? CocoaError(.coderReadCorrupt)
        }
    }

    func parser(
        _ parser: XMLParser,
        didStartElement elementName: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String]
    ) {
        self.all.append(Element(name: elementName, attributes: attributes))
        self.currentText = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        self.currentText += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == "text" {
            self.texts.append(self.currentText)
        }
        self.currentText = ""
    }
}
