import CThawShim
import Foundation
import ThawCommandLine

signal(SIGPIPE, SIG_IGN)
// Activations are large and short-lived: keep freed memory for the next step instead of having
// the kernel zero fresh pages for every new tensor.
_ = thaw_keep_freed_memory()
let status = await CommandLineTool(root: ThawCommand.self).run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(status.rawValue)
