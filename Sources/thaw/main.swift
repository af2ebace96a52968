import Foundation
import ThawCommandLine

signal(SIGPIPE, SIG_IGN)
let status = await CommandLineTool(root: ThawCommand.self).run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(status.rawValue)
