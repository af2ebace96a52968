import ThawCommandLine

/// A `HOST:PORT` given on the command line.
struct Endpoint {
    var host: String
    var port: Int

    /// Parses `HOST:PORT` (the host may be a name or an IPv4 address; port 0 to 65535).
    static func parse(_ text: String, option: String, command: String) throws(CommandLineError) -> Endpoint {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port), colon != text.startIndex
        else {
            throw .invalidCombination(
                command: command,
                message: "\(option) expects HOST:PORT, got '\(text)'. Example: \(option) 10.0.0.1:7300")
        }
        return Endpoint(host: String(text[..<colon]), port: port)
    }
}
