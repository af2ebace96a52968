import Foundation

/// Learning curves as a standalone SVG: a loss panel and an accuracy panel against fractional epochs,
/// each with training and validation curves, test results as squares, and a dashed vertical line
/// labelled with the phase name wherever a phase starts after the first.
///
/// Training curves use step records when the log has them, otherwise epoch records. Validation curves use
/// epoch records that carry validation metrics. Non-finite values are left out.
public struct LearningCurvePlot: Sendable {
    /// Where things go on the canvas, in SVG user units (pixels at 100% zoom).
    public struct Layout: Sendable, Equatable {
        /// The canvas size.
        public var width: Double
        public var height: Double

        /// Space around each panel's plot area for tick labels, axis titles, the title and the legend.
        public var marginLeft: Double
        public var marginRight: Double
        public var marginTop: Double
        public var marginBottom: Double

        /// A 960 by 420 canvas.
        public static let standard = Layout(
            width: 960,
            height: 420,
            marginLeft: 64,
            marginRight: 24,
            marginTop: 72,
            marginBottom: 56
        )

        /// Creates a layout.
        public init(
            width: Double,
            height: Double,
            marginLeft: Double,
            marginRight: Double,
            marginTop: Double,
            marginBottom: Double
        ) {
            self.width = width
            self.height = height
            self.marginLeft = marginLeft
            self.marginRight = marginRight
            self.marginTop = marginTop
            self.marginBottom = marginBottom
        }

        /// The plot area of panel 0 (loss, left) or 1 (accuracy, right).
        public func plotFrame(panel: Int) -> PlotFrame {
            let panelWidth = self.width / 2
            return PlotFrame(
                x: Double(panel) * panelWidth + self.marginLeft,
                y: self.marginTop,
                width: panelWidth - self.marginLeft - self.marginRight,
                height: self.height - self.marginTop - self.marginBottom
            )
        }
    }

    /// A rectangle on the canvas; y grows downwards as in SVG.
    public struct PlotFrame: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double
    }

    /// The records to draw, in any order.
    public var records: [MetricsRecord]

    /// The heading above the panels, usually the run's name.
    public var title: String

    /// Where things go.
    public var layout: Layout

    /// Creates a plot of `records`.
    public init(records: [MetricsRecord], title: String, layout: Layout = .standard) {
        self.records = records
        self.title = title
        self.layout = layout
    }

    /// The range of the epoch axis, shared by both panels: from 0 to the last epoch reached, rounded up to
    /// a whole tick.
    ///
    /// - Throws: ``LearningCurvePlotError/noData`` when there is no step, epoch or test record.
    public func epochAxis() throws(LearningCurvePlotError) -> ClosedRange<Double> {
        let ticks = try self.epochTicks()
        return ticks.lower...ticks.upper
    }

    /// The SVG document.
    ///
    /// - Throws: ``LearningCurvePlotError/noData`` when there is no step, epoch or test record.
    public func makeSVG() throws(LearningCurvePlotError) -> String {
        let epochTicks = try self.epochTicks()
        let layout = self.layout
        var svg = SVGDocument(width: layout.width, height: layout.height)

        svg.text(self.title, x: layout.width / 2, y: 24, anchor: "middle", attributes: #"font-size="16""#)

        let panels = [
            Panel(name: "loss", training: \.loss, validation: \.validationLoss, fixedRange: nil),
            Panel(name: "accuracy", training: \.accuracy, validation: \.validationAccuracy, fixedRange: 0...1),
        ]
        for (index, panel) in panels.enumerated() {
            let frame = layout.plotFrame(panel: index)
            let valueTicks = self.valueTicks(for: panel)
            let mapping = PlotMapping(frame: frame, epochs: epochTicks, values: valueTicks)

            svg.open("g", attributes: #"class="panel" data-metric="\#(panel.name)""#)
            self.drawAxes(into: &svg, mapping: mapping, metric: panel.name)
            self.drawCurves(into: &svg, mapping: mapping, panel: panel)
            self.drawPhaseSwitches(into: &svg, mapping: mapping)
            svg.close("g")
        }

        self.drawLegend(into: &svg)
        return svg.finish()
    }

    /// Writes the SVG to `url` atomically.
    ///
    /// - Throws: ``LearningCurvePlotError/noData`` or ``LearningCurvePlotError/writeFailed(file:reason:)``.
    public func write(to url: URL) throws(LearningCurvePlotError) {
        let svg = try self.makeSVG()

        do {
            try Data(svg.utf8).write(to: url, options: .atomic)
        } catch {
            throw .writeFailed(file: url.path, reason: error.localizedDescription)
        }
    }

    /// One panel's metric: the record fields of its training and validation values.
    private struct Panel {
        let name: String
        let training: KeyPath<MetricsRecord, Double?>
        let validation: KeyPath<MetricsRecord, Double?>
        let fixedRange: ClosedRange<Double>?
    }

    private var trainingRecords: [MetricsRecord] {
        let steps = self.records.filter { $0.event == .step }
        let chosen = steps.isEmpty ? self.records.filter { $0.event == .epoch } : steps
        return chosen.sorted { $0.fractionalEpoch < $1.fractionalEpoch }
    }

    private var epochRecords: [MetricsRecord] {
        self.records.filter { $0.event == .epoch }.sorted { $0.fractionalEpoch < $1.fractionalEpoch }
    }

    private var testRecords: [MetricsRecord] {
        self.records.filter { $0.event == .test }
    }

    private var phaseSwitches: [MetricsRecord] {
        self.records.filter { $0.event == .phase && $0.fractionalEpoch > 0 }
    }

    private func epochTicks() throws(LearningCurvePlotError) -> AxisTicks {
        let plotted = self.records.filter { $0.event != .phase }
        guard !plotted.isEmpty else { throw .noData }

        let last = self.records.map(\.fractionalEpoch).filter(\.isFinite).max() ?? 1
        return AxisTicks(covering: 0, max(last, 1), count: min(10, max(1, Int(last.rounded(.up)))))
    }

    private func valueTicks(for panel: Panel) -> AxisTicks {
        if let fixed = panel.fixedRange {
            return AxisTicks(covering: fixed.lowerBound, fixed.upperBound)
        }
        let values = self.records.flatMap { [$0[keyPath: panel.training], $0[keyPath: panel.validation]] }
            .compactMap { $0 }.filter(\.isFinite)
        return AxisTicks(covering: min(0, values.min() ?? 0), values.max() ?? 1)
    }

    private func drawAxes(into svg: inout SVGDocument, mapping: PlotMapping, metric: String) {
        let frame = mapping.frame
        svg.element(
            "rect",
            #"x="\#(coordinate(frame.x))" y="\#(coordinate(frame.y))" width="\#(coordinate(frame.width))" height="\#(coordinate(frame.height))" "#
                + #"fill="none" stroke="\#(Self.axisColor)""#
        )

        for value in mapping.epochs.values {
            let x = mapping.x(value)
            let bottom = frame.y + frame.height
            svg.element(
                "line",
                #"x1="\#(coordinate(x))" y1="\#(coordinate(bottom))" x2="\#(coordinate(x))" y2="\#(coordinate(bottom + 5))" stroke="\#(Self.axisColor)""#
            )
            svg.text(mapping.epochs.label(value), x: x, y: bottom + 18, anchor: "middle")
        }

        for value in mapping.values.values {
            let y = mapping.y(value)
            svg.element(
                "line",
                #"x1="\#(coordinate(frame.x))" y1="\#(coordinate(y))" x2="\#(coordinate(frame.x + frame.width))" y2="\#(coordinate(y))" "#
                    + #"stroke="\#(Self.gridColor)""#
            )
            svg.text(mapping.values.label(value), x: frame.x - 8, y: y + 4, anchor: "end")
        }

        svg.text("epoch", x: frame.x + frame.width / 2, y: frame.y + frame.height + 40, anchor: "middle")
        let labelX = frame.x - 46
        let labelY = frame.y + frame.height / 2
        svg.text(
            metric, x: labelX, y: labelY, anchor: "middle",
            attributes: #"transform="rotate(-90 \#(coordinate(labelX)) \#(coordinate(labelY)))""#)
    }

    private func drawCurves(into svg: inout SVGDocument, mapping: PlotMapping, panel: Panel) {
        let training = self.trainingRecords.compactMap { record in
            record[keyPath: panel.training].flatMap { $0.isFinite ? (record.fractionalEpoch, $0) : nil }
        }
        if !training.isEmpty {
            svg.element(
                "polyline",
                #"class="training" fill="none" stroke="\#(Self.trainingColor)" stroke-width="1.5" "#
                    + #"points="\#(mapping.points(training))""#
            )
        }

        let validation = self.epochRecords.compactMap { record in
            record[keyPath: panel.validation].flatMap { $0.isFinite ? (record.fractionalEpoch, $0) : nil }
        }
        if !validation.isEmpty {
            svg.element(
                "polyline",
                #"class="validation" fill="none" stroke="\#(Self.validationColor)" stroke-width="2" "#
                    + #"points="\#(mapping.points(validation))""#
            )
            for (epoch, value) in validation {
                svg.element(
                    "circle",
                    #"cx="\#(coordinate(mapping.x(epoch)))" cy="\#(coordinate(mapping.y(value)))" r="3" fill="\#(Self.validationColor)""#
                )
            }
        }

        for record in self.testRecords {
            guard let value = record[keyPath: panel.training], value.isFinite else { continue }
            let x = mapping.x(record.fractionalEpoch)
            let y = mapping.y(value)
            svg.element(
                "rect",
                #"class="test" x="\#(coordinate(x - 4))" y="\#(coordinate(y - 4))" width="8" height="8" fill="\#(Self.testColor)""#
            )
        }
    }

    private func drawPhaseSwitches(into svg: inout SVGDocument, mapping: PlotMapping) {
        let frame = mapping.frame
        for record in self.phaseSwitches {
            let x = mapping.x(record.fractionalEpoch)
            svg.element(
                "line",
                #"class="phase-switch" data-phase="\#(SVGDocument.escape(record.phase))" "#
                    + #"x1="\#(coordinate(x))" y1="\#(coordinate(frame.y))" x2="\#(coordinate(x))" y2="\#(coordinate(frame.y + frame.height))" "#
                    + #"stroke="\#(Self.phaseColor)" stroke-width="1" stroke-dasharray="6 4""#
            )
            svg.text(
                record.phase, x: x + 4, y: frame.y + 14, anchor: "start", attributes: #"fill="\#(Self.phaseColor)""#)
        }
    }

    private func drawLegend(into svg: inout SVGDocument) {
        var entries = [("training", Self.trainingColor), ("validation", Self.validationColor)]
        if !self.testRecords.isEmpty {
            entries.append(("test", Self.testColor))
        }

        svg.open("g", attributes: #"class="legend""#)
        var x = self.layout.width - self.layout.marginRight - 110 * Double(entries.count)
        let y = self.layout.marginTop - 24
        for (name, color) in entries {
            svg.element(
                "line",
                #"x1="\#(coordinate(x))" y1="\#(coordinate(y))" x2="\#(coordinate(x + 24))" y2="\#(coordinate(y))" stroke="\#(color)" stroke-width="3""#
            )
            svg.text(name, x: x + 30, y: y + 4, anchor: "start")
            x += 110
        }
        svg.close("g")
    }

    private static let axisColor = "#444444"
    private static let gridColor = "#dddddd"
    private static let phaseColor = "#666666"
    private static let trainingColor = "#1f77b4"
    private static let validationColor = "#ff7f0e"
    private static let testColor = "#2ca02c"
}

/// A coordinate written with two decimals.
private func coordinate(_ value: Double) -> String {
    String(format: "%.2f", value)
}
