/// Builds SVG text element by element, escaping text and closing the root at the end.
struct SVGDocument {
    private var lines: [String]
    private var depth = 1

    /// Starts a standalone SVG document of the given size in user units.
    init(width: Double, height: Double) {
        let size = "width=\"\(Self.number(width))\" height=\"\(Self.number(height))\""
        self.lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<svg xmlns="http://www.w3.org/2000/svg" \#(size) "#
                + #"viewBox="0 0 \#(Self.number(width)) \#(Self.number(height))" "#
                + #"font-family="sans-serif" font-size="12">"#,
            #"  <rect width="100%" height="100%" fill="white"/>"#,
        ]
    }

    /// An empty element with the attributes as written.
    mutating func element(_ name: String, _ attributes: String) {
        self.append("<\(name) \(attributes)/>")
    }

    /// A text element; `text` is escaped.
    mutating func text(_ text: String, x: Double, y: Double, anchor: String, attributes: String = "") {
        let extra = attributes.isEmpty ? "" : " " + attributes
        let position = "x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" text-anchor=\"\(anchor)\""
        self.append("<text \(position)\(extra)>\(Self.escape(text))</text>")
    }

    /// Opens a container element; close it with ``close(_:)``.
    mutating func open(_ name: String, attributes: String) {
        self.append("<\(name) \(attributes)>")
        self.depth += 1
    }

    /// Closes the innermost open container.
    mutating func close(_ name: String) {
        self.depth -= 1
        self.append("</\(name)>")
    }

    /// The document text with the root element closed.
    func finish() -> String {
        (self.lines + ["</svg>"]).joined(separator: "\n") + "\n"
    }

    /// `text` with the five XML special characters replaced by entities.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private mutating func append(_ line: String) {
        self.lines.append(String(repeating: "  ", count: self.depth) + line)
    }

    /// A coordinate: whole numbers as integers, others with two decimals.
    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
