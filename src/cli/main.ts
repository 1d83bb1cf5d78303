/**
 * The `raftlab` command (npm run raftlab -- <command>, or the package's bin). All the work is in
 * cli.ts, which takes the arguments and the streams and returns the exit status.
 */
import { runCli } from './cli'
import { processIo } from './io'

// A reader that stops early (`raftlab export … --out - | head`) is not an error of ours: stop
// quietly, as other command-line tools do, instead of crashing with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw error
  })
}

process.exitCode = await runCli(process.argv.slice(2), processIo())
