/**
 * The `raftlab` command (npm run raftlab -- <command>, or the package's bin). All the work is in
 * cli.ts, which takes the arguments and the streams and returns the exit status.
 */
import { runCli } from './cli'
import { processIo } from './io'

process.exitCode = runCli(process.argv.slice(2), processIo())
