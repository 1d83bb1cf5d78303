import type { KvOperation } from '../kv/history'
import { DEFAULT_WORKLOAD, KvWorkload, type WorkloadOptions } from '../kv/workload'
import type { BugName } from '../raft/bugs'
import { Cluster, type RecordedInput } from '../sim/cluster'
import type { ClusterConfig, NetworkPreset } from '../sim/config'
import type { Finding } from '../sim/events'
import { isSafetyFinding } from './findings'
import { InvariantChecker } from './invariants'
import {
  checkKvHistory,
  describeKvOperations,
  type KvInput,
  type Operation,
} from './linearizability'
import { LivenessWatch, type LivenessMetrics } from './liveness'
import { Nemesis, NEMESIS_KINDS, planSchedule, type NemesisKind, type NemesisStep } from './nemesis'

/** What one sweep run is: everything needed to re-run it exactly. */
export interface RunSpec {
  readonly seed: number
  readonly nodes: number
  /** Faults and client operations happen in [0, duration); then everything heals. */
  readonly duration: number
  readonly nemesis: readonly NemesisKind[]
  readonly bugs: readonly BugName[]
  readonly network: NetworkPreset
  readonly workload: Partial<Omit<WorkloadOptions, 'client'>>
  /** How long after the heal the cluster has to recover (ms of virtual time). */
  readonly recoveryTime: number
  /** Step budget of the linearizability check. */
  readonly checkBudget: number
  /** Check the Figure 2 rules as well as the safety properties (see InvariantChecker). */
  readonly rules: boolean
  /** A schedule to use instead of the one drawn from the seed (shrinking sets it). */
  readonly schedule?: readonly NemesisStep[]
}

export type SweepOptions = Omit<RunSpec, 'seed' | 'schedule'>

export const DEFAULT_SWEEP: SweepOptions = {
  nodes: 5,
  duration: 5000,
  nemesis: NEMESIS_KINDS,
  bugs: [],
  network: 'reliable',
  workload: { clients: 3, keys: 3, rate: 20 },
  recoveryTime: 10_000,
  checkBudget: 2_000_000,
  rules: true,
}

/** Why a run is not clean. */
export type Violation =
  | { readonly kind: 'safety'; readonly finding: Finding }
  | {
      readonly kind: 'linearizability'
      readonly key: string
      readonly operations: readonly Operation<KvInput, string | null>[]
      /** The sub-history, one operation per line. */
      readonly lines: readonly string[]
    }
  | { readonly kind: 'recovery'; readonly reason: string }
  | { readonly kind: 'internal-error'; readonly message: string }

export interface RunResult {
  readonly spec: RunSpec
  readonly schedule: readonly NemesisStep[]
  /** Client operations started. */
  readonly operations: number
  readonly violations: readonly Violation[]
  /** Every finding, liveness flags included. */
  readonly findings: readonly Finding[]
  readonly liveness: LivenessMetrics
  readonly linearizability: 'ok' | 'violation' | 'unknown'
  readonly history: readonly KvOperation[]
  /** Enough to re-execute the run (and so to write it as a trace). */
  readonly config: ClusterConfig
  readonly inputs: readonly RecordedInput[]
  readonly events: number
  readonly endTime: number
}

export interface RunHooks {
  /** Called with the cluster before anything happens (attach a trace recorder here). */
  readonly onCluster?: (cluster: Cluster) => void
}

export function runSpec(seed: number, options: Partial<SweepOptions> = {}): RunSpec {
  return { ...DEFAULT_SWEEP, ...options, seed }
}

/**
 * One seeded run: a cluster with a KV workload and a nemesis schedule for `duration` ms, then
 * everything heals and the cluster must recover within `recoveryTime`: a leader, every client
 * operation answered (or given up), a final read answered, and every acknowledged operation
 * applied on every node. Checked throughout by the invariant checker and the liveness watch
 * (the run stops at the first safety finding), and at the end by the linearizability checker. Deterministic: the same spec gives the same
 * run, event for event.
 */
export function runCase(spec: RunSpec, hooks: RunHooks = {}): RunResult {
  const schedule = spec.schedule ?? planSchedule(spec.seed, spec)
  const cluster = new Cluster({
    nodes: spec.nodes,
    seed: spec.seed,
    network: spec.network,
    bugs: [...spec.bugs],
  })
  hooks.onCluster?.(cluster)
  const findings: Finding[] = []
  // The run stops at the first safety finding: it has failed, and what follows a broken
  // invariant (often a storm of messages between two leaders) only costs time.
  let broken = false
  const checker = new InvariantChecker({
    rules: spec.rules,
    onFinding: (f) => {
      findings.push(f)
      if (isSafetyFinding(f)) broken = true
      cluster.report(f)
    },
  })
  const liveness = new LivenessWatch({
    nodes: spec.nodes,
    timing: cluster.config.timing,
    onFinding: (f) => {
      findings.push(f)
      cluster.report(f)
    },
  })
  cluster.onEvent((event) => {
    checker.observe(event)
    liveness.observe(event)
  })
  const workload = new KvWorkload(cluster, { ...DEFAULT_WORKLOAD, ...spec.workload })
  const driver = workload.driver
  const nemesis = new Nemesis(driver, spec.network)
  const violations: Violation[] = []

  try {
    for (const step of schedule) {
      driver.at(step.at, () => {
        const end = nemesis.start(step.fault)
        driver.at(step.at + step.duration, end)
      })
    }
    workload.start(spec.duration)
    driver.runUntilDone(() => broken, spec.duration)
    if (!broken) {
      nemesis.healAll()
      workload.stop()
      const recovery = recover(cluster, workload, spec, () => broken)
      if (recovery !== null && !broken) violations.push({ kind: 'recovery', reason: recovery })
    }
  } catch (error) {
    violations.push({
      kind: 'internal-error',
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    })
  }
  workload.abandon()
  checker.finish()
  const livenessMetrics = liveness.finish(cluster.now)

  for (const error of cluster.internalErrors) {
    violations.push({ kind: 'internal-error', message: error.message })
  }
  for (const finding of findings) {
    if (isSafetyFinding(finding)) violations.push({ kind: 'safety', finding })
  }
  const history = workload.history.operations
  const linear = checkKvHistory(history, { budget: spec.checkBudget })
  if (linear.verdict === 'violation') {
    violations.push({
      kind: 'linearizability',
      key: linear.partition,
      operations: linear.subHistory,
      lines: describeKvOperations(linear.subHistory),
    })
  }
  return {
    spec,
    schedule,
    operations: workload.operationsStarted,
    violations,
    findings,
    liveness: livenessMetrics,
    linearizability: linear.verdict,
    history,
    config: cluster.config,
    inputs: cluster.inputs,
    events: cluster.stats.eventsProcessed,
    endTime: cluster.now,
  }
}

/** After the heal: returns null when the cluster recovered, else what did not happen. */
function recover(
  cluster: Cluster,
  workload: KvWorkload,
  spec: RunSpec,
  broken: () => boolean,
): string | null {
  const driver = workload.driver
  const deadline = cluster.now + spec.recoveryTime
  const runUntil = (done: () => boolean): boolean =>
    driver.runUntilDone(() => broken() || done(), deadline) && !broken()
  if (!runUntil(() => workload.idle)) {
    return `client operations were still unanswered ${spec.recoveryTime} ms after the heal`
  }
  // A final read commits an entry of the current term, so everything before it commits too.
  let answered = false
  workload.invoke(1, { kind: 'get', key: 'k1', value: '' }, () => (answered = true))
  if (!runUntil(() => answered)) {
    return `a final read got no answer within ${spec.recoveryTime} ms of the heal`
  }
  const final = workload.history.operations[workload.history.operations.length - 1]!
  if (final.status !== 'ok') {
    return `the final read after the heal ended "${final.status}": no leader answered it`
  }
  // Every acknowledged operation must reach every node's state machine.
  const acked = new Map<number, number>()
  for (const op of workload.history.operations) {
    if (op.status === 'ok') acked.set(op.client, Math.max(acked.get(op.client) ?? 0, op.seq))
  }
  const everywhere = (): boolean =>
    cluster.nodeIds.every((id) =>
      [...acked].every(([client, seq]) => workload.service.replica(id).lastSeq(client) >= seq),
    )
  if (!runUntil(everywhere)) {
    const behind = cluster.nodeIds.filter((id) =>
      [...acked].some(([client, seq]) => workload.service.replica(id).lastSeq(client) < seq),
    )
    return `acknowledged operations were not applied on node(s) ${behind.join(', ')} within ${spec.recoveryTime} ms of the heal`
  }
  if (cluster.leader() === null) return 'no leader after the heal'
  return null
}

// -------------------------------------------------------------------------------------------
// Shrinking

/** A short name for a violation's class, to keep shrinking on the same failure. */
export function violationClass(violation: Violation): string {
  return violation.kind === 'safety' ? `safety:${violation.finding.property}` : violation.kind
}

export interface ShrinkResult {
  readonly original: RunResult
  readonly shrunk: RunResult
  /** Re-runs spent shrinking. */
  readonly runs: number
}

/**
 * Make a failing run smaller while it still fails the same way: drop nemesis steps (halves,
 * then quarters, ... then single steps), then cap the client operations (binary search on the
 * number started). Every candidate is re-run from the seed with the reduced schedule and cap,
 * so the result is a real, reproducible run. Stops after `maxRuns` re-runs.
 */
export function shrinkCase(failing: RunResult, maxRuns = 80): ShrinkResult {
  const target = failing.violations[0]
  if (target === undefined) throw new Error('shrinkCase: the run has no violation')
  const wanted = violationClass(target)
  // Steps that never started and operations never begun change nothing: the run with them cut
  // is the same run, event for event.
  let spec: RunSpec = {
    ...failing.spec,
    schedule: executedSteps(failing),
    workload: { ...failing.spec.workload, maxOps: failing.operations },
  }
  let best: RunResult | null = null
  let runs = 0
  const attempt = (candidate: RunSpec): boolean => {
    if (runs >= maxRuns) return false
    runs++
    const result = runCase(candidate)
    if (!result.violations.some((v) => violationClass(v) === wanted)) return false
    spec = { ...candidate, schedule: executedSteps(result) }
    best = result
    return true
  }

  // 1. Fewer nemesis steps (ddmin over the schedule).
  let granularity = 2
  while (spec.schedule!.length > 0 && runs < maxRuns) {
    const steps = spec.schedule!
    const chunk = Math.max(1, Math.ceil(steps.length / granularity))
    let reduced = false
    for (let start = 0; start < steps.length; start += chunk) {
      const candidate = [...steps.slice(0, start), ...steps.slice(start + chunk)]
      if (attempt({ ...spec, schedule: candidate })) {
        granularity = Math.max(granularity - 1, 2)
        reduced = true
        break
      }
    }
    if (!reduced) {
      if (chunk === 1) break
      granularity = Math.min(steps.length, granularity * 2)
    }
  }

  // 2. Fewer client operations: the smallest cap that still fails.
  let lo = 0
  let hi = spec.workload.maxOps ?? failing.operations
  while (lo < hi && runs < maxRuns) {
    const mid = (lo + hi) >>> 1
    if (attempt({ ...spec, workload: { ...spec.workload, maxOps: mid } })) hi = mid
    else lo = mid + 1
  }
  return { original: failing, shrunk: best ?? runCase(spec), runs }
}

/** The schedule's steps that started before the run ended. */
function executedSteps(result: RunResult): NemesisStep[] {
  return result.schedule.filter((step) => step.at < result.endTime)
}

/** How big a run is, for comparing a shrunk run with its original: nemesis steps that
 * started, and client operations that started. */
export function runSize(result: RunResult): { steps: number; operations: number } {
  return { steps: executedSteps(result).length, operations: result.operations }
}

// -------------------------------------------------------------------------------------------
// Sweeps

export interface SweepSummary {
  readonly runs: number
  readonly clean: number
  readonly failures: readonly RunResult[]
  /** Runs whose linearizability check ran out of budget. */
  readonly unknown: number
  readonly events: number
}

/**
 * Run seeds `from` .. `from + count - 1`. Pure and synchronous, so a worker thread can run a
 * slice of seeds; `stopAtFirst` ends the sweep at the first failing seed.
 */
export function sweep(
  options: Partial<SweepOptions>,
  seeds: { readonly from: number; readonly count: number },
  control: { readonly stopAtFirst?: boolean; readonly onRun?: (result: RunResult) => void } = {},
): SweepSummary {
  const failures: RunResult[] = []
  let runs = 0
  let unknown = 0
  let events = 0
  for (let seed = seeds.from; seed < seeds.from + seeds.count; seed++) {
    const result = runCase(runSpec(seed, options))
    runs++
    events += result.events
    if (result.linearizability === 'unknown') unknown++
    control.onRun?.(result)
    if (result.violations.length > 0) {
      failures.push(result)
      if (control.stopAtFirst === true) break
    }
  }
  return { runs, clean: runs - failures.length, failures, unknown, events }
}
