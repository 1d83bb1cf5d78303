/**
 * A sweep worker thread (started by parallel-sweep.ts): runs the slices of seeds it is handed
 * through the pure engine and reports every run.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { sweep } from '../shared/check/sweep'
import {
  describeError,
  reportRun,
  type SliceRequest,
  type WorkerMessage,
  type WorkerSetup,
} from './parallel-sweep'

const port = parentPort
if (port === null)
  throw new Error('sweep-worker.ts runs as a worker thread (see parallel-sweep.ts)')
const { options } = workerData as WorkerSetup
const post = (message: WorkerMessage): void => port.postMessage(message)

// Slices come in increasing seed order, so this worker's first failure is its lowest: only that
// one can be the sweep's first failure, and only that one is sent whole (to be shrunk).
let sentFailure = false

port.on('message', ({ from, count }: SliceRequest) => {
  let seed = from
  try {
    sweep(
      options,
      { from, count },
      {
        onRun: (result) => {
          seed = result.spec.seed + 1
          const report = reportRun(result, !sentFailure)
          if (report.failed) sentFailure = true
          post({ type: 'run', report })
        },
      },
    )
    post({ type: 'slice-done' })
  } catch (error) {
    post({ type: 'crashed', seed, error: describeError(error) })
  }
})
post({ type: 'ready' })
