import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { sweep, type RunResult, type SweepOptions } from '../shared/check/sweep'
import { CliError, EXIT_INTERRUPTED } from './errors'

/**
 * `raftlab sweep` on every core. The seeds wait in one queue; this thread and `threads - 1`
 * worker threads take them from it (this thread one at a time, workers in slices) and run them
 * through the same pure engine (`sweep` in src/shared/check/sweep.ts). The runs they report are
 * merged into a tally that does not depend on who ran which seed, or on the order they finished.
 *
 * This thread runs seeds too because a worker takes a while to start (it loads tsx and compiles
 * the engine): seeds run here meanwhile, and on a machine with N cores N threads run seeds.
 */

/** What a sweep found: the same for any number of threads. */
export interface SweepTally {
  readonly runs: number
  readonly clean: number
  /** Runs whose linearizability check ran out of budget. */
  readonly unknown: number
  readonly events: number
  /** Every failing seed, lowest first. */
  readonly failingSeeds: readonly number[]
  /** The run of the lowest failing seed: the one to shrink and write as a trace. */
  readonly firstFailure: RunResult | undefined
}

/** One finished run, as it is reported to the tally. */
export interface RunReport {
  readonly seed: number
  readonly failed: boolean
  readonly unknown: boolean
  readonly events: number
  /** The whole run, when it failed and may be the sweep's first failure (see sweep-worker.ts). */
  readonly failure?: RunResult
}

/** A run as a report; `withRun` attaches the whole run when it failed. */
export function reportRun(result: RunResult, withRun: boolean): RunReport {
  const failed = result.violations.length > 0
  return {
    seed: result.spec.seed,
    failed,
    unknown: result.linearizability === 'unknown',
    events: result.events,
    ...(failed && withRun ? { failure: result } : {}),
  }
}

/** What a worker is started with (its workerData). */
export interface WorkerSetup {
  readonly options: Partial<SweepOptions>
}

/** Parent to worker: run these seeds. */
export interface SliceRequest {
  readonly from: number
  readonly count: number
}

/** Worker to parent. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'run'; readonly report: RunReport }
  | { readonly type: 'slice-done' }
  /** The engine threw (not a violation: a run catches those): on which seed, and what. */
  | { readonly type: 'crashed'; readonly seed: number; readonly error: ErrorDescription }

export interface ErrorDescription {
  readonly name: string
  readonly message: string
  readonly stack?: string
}

export function describeError(error: unknown): ErrorDescription {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  return {
    name: error.name,
    message: error.message,
    ...(error.stack !== undefined ? { stack: error.stack } : {}),
  }
}

export interface SweepControl {
  /** Threads that run seeds, this one included: 1 runs the whole sweep here. Never more than
   * there are seeds. */
  readonly threads: number
  /** After each run, in the order runs finish (seed order only with one thread); `done` counts
   * the runs finished so far. */
  readonly onRun?: (report: RunReport, done: number) => void
  /** Ctrl-C (CliIo.onInterrupt), listened to while worker threads run: the sweep stops within
   * one run and rejects with exit status 130. */
  readonly onInterrupt?: (handler: () => void) => () => void
  /** Whether this thread runs seeds as well as the workers (default: yes). Tests turn it off to
   * send every seed through the workers. */
  readonly runHere?: boolean
  /** The worker's entry module; tests point it at a misbehaving one. */
  readonly workerEntry?: URL
}

/** One thread per core, unless told otherwise (`--workers`). */
export function defaultThreadCount(): number {
  return availableParallelism()
}

/**
 * Runs seeds `from` .. `from + count - 1` and tallies them. Every worker thread has ended by the
 * time the promise settles, whether it resolves, fails (the engine threw, or a worker crashed:
 * one CliError naming the seed or the worker) or is interrupted.
 */
export async function runSweep(
  options: Partial<SweepOptions>,
  seeds: { readonly from: number; readonly count: number },
  control: SweepControl,
): Promise<SweepTally> {
  const queue = new SeedQueue(seeds.from, seeds.count)
  const tally = new Tally((report) => control.onRun?.(report, tally.runs))
  const threads = Math.max(1, Math.min(control.threads, seeds.count))
  if (threads === 1) {
    while (!queue.empty) runHere(options, queue.take(1).from, tally)
    return tally.finish()
  }
  const workers = new SweepWorkers(threads - 1, options, queue, tally, control)
  const stopListening = control.onInterrupt?.(() =>
    workers.fail(
      new CliError(
        `sweep interrupted after ${tally.runs} of ${seeds.count} runs`,
        EXIT_INTERRUPTED,
      ),
    ),
  )
  try {
    while (!queue.empty && workers.failure === undefined) {
      if (control.runHere === false) {
        await workers.changed()
        continue
      }
      runHere(options, queue.take(1).from, tally)
      // Let the workers' reports, a crash or Ctrl-C in between two runs.
      await new Promise<void>((resolve) => setImmediate(resolve))
    }
    await workers.drained()
    if (workers.failure !== undefined) throw workers.failure
    return tally.finish()
  } finally {
    stopListening?.()
    await workers.stop()
  }
}

/** Sweep worker threads running now, in this process (0 whenever no sweep is running). */
export function liveSweepWorkers(): number {
  return live
}
let live = 0

function runHere(options: Partial<SweepOptions>, seed: number, tally: Tally): void {
  let result: RunResult | undefined
  try {
    sweep(options, { from: seed, count: 1 }, { onRun: (run) => (result = run) })
  } catch (error) {
    throw crashError(seed, describeError(error))
  }
  tally.add(reportRun(result!, true))
}

/** The seeds not yet handed out, lowest first. */
class SeedQueue {
  private next: number
  private readonly end: number

  constructor(from: number, count: number) {
    this.next = from
    this.end = from + count
  }

  get empty(): boolean {
    return this.next >= this.end
  }

  get remaining(): number {
    return this.end - this.next
  }

  take(count: number): SliceRequest {
    const slice = { from: this.next, count: Math.min(count, this.end - this.next) }
    this.next += slice.count
    return slice
  }
}

const WORKER_ENTRY = new URL('./sweep-worker.ts', import.meta.url)

/**
 * A worker's first code, plain JavaScript: it loads tsx's API inside the worker thread, then the
 * TypeScript entry through it. (`--import tsx` in a worker's execArgv is not enough: on Node 20,
 * tsx registers itself on the main thread only.)
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads')
import(workerData.tsx).then((tsx) => tsx.tsImport(workerData.entry, workerData.entry))
`

/** Slices a worker holds at once: the next one is already there when it finishes one. */
const SLICES_IN_FLIGHT = 2

/** Worker threads taking slices of seeds from the queue. */
class SweepWorkers {
  /** Why the sweep must stop, once something went wrong. */
  failure: Error | undefined
  private readonly threads: Worker[] = []
  private readonly busy = new Map<Worker, number>()
  private stopping = false
  private readonly waiting: (() => void)[] = []

  constructor(
    count: number,
    options: Partial<SweepOptions>,
    private readonly queue: SeedQueue,
    private readonly tally: Tally,
    private readonly control: SweepControl,
  ) {
    const entry = (control.workerEntry ?? WORKER_ENTRY).href
    const tsx = import.meta.resolve('tsx/esm/api')
    for (let index = 1; index <= count; index++) {
      const setup: WorkerSetup & { tsx: string; entry: string } = { options, tsx, entry }
      const thread = new Worker(BOOTSTRAP, { eval: true, execArgv: [], workerData: setup })
      live++
      this.threads.push(thread)
      this.busy.set(thread, 0)
      this.listen(thread, index)
    }
  }

  /** Stop the sweep with `error` (the first reason given wins). */
  fail(error: Error): void {
    this.failure ??= error
    this.notify()
  }

  /** Resolves when a worker finishes a slice, or the sweep fails. */
  changed(): Promise<void> {
    return new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  /** Resolves once every slice handed out has been reported, or the sweep failed. */
  async drained(): Promise<void> {
    while (this.failure === undefined && [...this.busy.values()].some((n) => n > 0)) {
      await this.changed()
    }
  }

  /** Terminates every worker and waits until they have ended. */
  async stop(): Promise<void> {
    this.stopping = true
    await Promise.allSettled(this.threads.map((thread) => thread.terminate()))
  }

  private notify(): void {
    for (const resolve of this.waiting.splice(0)) resolve()
  }

  // Slices leave the queue in increasing seed order, so each worker runs its seeds in
  // increasing order. They shrink as the queue empties, so the threads finish together.
  private handOut(thread: Worker): void {
    while (!this.queue.empty && this.busy.get(thread)! < SLICES_IN_FLIGHT) {
      const size = Math.floor(this.queue.remaining / ((this.threads.length + 1) * 4))
      thread.postMessage(this.queue.take(Math.max(1, Math.min(10, size))))
      this.busy.set(thread, this.busy.get(thread)! + 1)
    }
  }

  private listen(thread: Worker, index: number): void {
    let ready = false
    thread.on('message', (message: WorkerMessage) => {
      if (this.failure !== undefined) return
      try {
        switch (message.type) {
          case 'ready':
            ready = true
            this.handOut(thread)
            return
          case 'run':
            this.tally.add(message.report)
            return
          case 'slice-done':
            this.busy.set(thread, this.busy.get(thread)! - 1)
            this.handOut(thread)
            this.notify()
            return
          case 'crashed':
            this.fail(crashError(message.seed, message.error))
            return
        }
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)))
      }
    })
    thread.on('error', (error: unknown) => {
      const { name, message, stack } = describeError(error)
      const what = ready ? `sweep worker ${index} failed` : `could not start sweep worker ${index}`
      this.fail(withStack(new CliError(`${what}: ${name}: ${message}`), stack))
    })
    thread.on('exit', (code) => {
      live--
      if (!this.stopping) {
        this.fail(new CliError(`sweep worker ${index} stopped unexpectedly (exit code ${code})`))
      }
    })
  }
}

/** The engine threw on a seed: one line naming it, the original stack under --debug. */
function crashError(seed: number, error: ErrorDescription): CliError {
  return withStack(
    new CliError(`seed ${seed} stopped the sweep: ${error.name}: ${error.message}`),
    error.stack,
  )
}

function withStack(error: CliError, stack: string | undefined): CliError {
  if (stack !== undefined) error.stack = `${error.name}: ${error.message}\n  caused by ${stack}`
  return error
}

/** Runs merged as they come in, in any order. */
class Tally {
  runs = 0
  private unknown = 0
  private events = 0
  private readonly failing: number[] = []
  private first: RunResult | undefined

  constructor(private readonly onAdd: (report: RunReport) => void) {}

  add(report: RunReport): void {
    this.runs++
    this.events += report.events
    if (report.unknown) this.unknown++
    if (report.failed) {
      this.failing.push(report.seed)
      if (this.first === undefined || report.seed < this.first.spec.seed) {
        // Each thread sends the whole run with its own first failure, and its later ones have
        // higher seeds: a lower failing seed always comes with its run.
        if (report.failure === undefined) {
          throw new Error(`seed ${report.seed} failed, but its run was not sent`)
        }
        this.first = report.failure
      }
    }
    this.onAdd(report)
  }

  finish(): SweepTally {
    return {
      runs: this.runs,
      clean: this.runs - this.failing.length,
      unknown: this.unknown,
      events: this.events,
      failingSeeds: [...this.failing].sort((a, b) => a - b),
      firstFailure: this.first,
    }
  }
}
