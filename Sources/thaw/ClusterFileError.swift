import Foundation

/// A cluster file that cannot be read or does not describe a usable cluster.
enum ClusterFileError: Error, CustomStringConvertible {
    /// The file could not be read; `cause` is the system's reason.
    case unreadable(path: String, cause: String)

    /// The file is not JSON of the documented shape; `location` is the key path, such as `workers[1].id`.
    case malformed(path: String, location: String, cause: String)

    /// The JSON has the right shape but a value is unusable, such as a duplicate worker id.
    case invalid(path: String, location: String, problem: String)

    /// A system error as a clause to follow a colon: the POSIX reason when there is one, without a final period.
    static func cause(of error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError {
            return String(cString: strerror(ENOENT))
        }
        var text = nsError.localizedDescription
        while text.hasSuffix(".") {
            text.removeLast()
        }
        return text
    }

    var description: String {
        switch self {
        case .unreadable(let path, let cause):
            return "Cluster file: cannot read \(path): \(cause). Check the path; cluster/example.cluster.json shows "
                + "the format."
        case .malformed(let path, let location, let cause):
            return "Cluster file: \(path) at \(location): \(cause). See cluster/README.md for the format."
        case .invalid(let path, let location, let problem):
            return "Cluster file: \(path) at \(location): \(problem)."
        }
    }
}
