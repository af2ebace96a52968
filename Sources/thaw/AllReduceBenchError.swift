/// A failure of `thaw bench-allreduce`.
enum AllReduceBenchError: Error, CustomStringConvertible {
    /// A rank process could not be started.
    case cannotStart(rank: Int, cause: String)

    /// Not every rank announced its port in the rendezvous folder in time.
    case rendezvousTimedOut(folder: String, missing: [Int], seconds: Int)

    /// A rank process did not exit in time and was stopped.
    case rankTimedOut(rank: Int, seconds: Int)

    /// A rank process exited with a failure status.
    case rankFailed(rank: Int, status: Int32)

    /// A rank process printed something other than its timing report.
    case unreadableReport(rank: Int, output: String)

    /// An all-reduce returned a wrong element: the collectives are broken.
    case wrongResult(rank: Int, index: Int, expected: Int64, received: Int64)

    var description: String {
        switch self {
        case .cannotStart(let rank, let cause):
            return "bench-allreduce: could not start the process of rank \(rank): \(cause)."
        case .rendezvousTimedOut(let folder, let missing, let seconds):
            let ranks = missing.map(String.init).joined(separator: ", ")
            return "bench-allreduce: ranks \(ranks) did not announce their ports in \(folder) within \(seconds) s; "
                + "see their errors above."
        case .rankTimedOut(let rank, let seconds):
            return "bench-allreduce: rank \(rank) did not finish within \(seconds) s and was stopped; "
                + "try fewer megabytes or repeats."
        case .rankFailed(let rank, let status):
            return "bench-allreduce: rank \(rank) exited with status \(status); its error is printed above."
        case .unreadableReport(let rank, let output):
            return "bench-allreduce: rank \(rank) printed \"\(output.prefix(200))\" instead of its JSON report."
        case .wrongResult(let rank, let index, let expected, let received):
            return "bench-allreduce: rank \(rank) got \(received) at element \(index) instead of \(expected); "
                + "the all-reduce is wrong, please report it."
        }
    }
}
