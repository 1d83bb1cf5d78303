import type {
  ClientOperationView,
  ClientRequest,
  ClientsView,
  WorkloadSettings,
} from '../api/clients'
import { KvClient } from '../kv/client'
import { asKvCommand } from '../kv/command'
import { SimDriver } from '../kv/driver'
import { KvHistory } from '../kv/history'
import { KvService } from '../kv/service'
import { KvWorkload } from '../kv/workload'
import type { Command, NodeId } from '../raft/types'
import type { Cluster } from '../sim/cluster'

/** How many operations a view lists (the newest). */
export const LISTED_OPERATIONS = 50
/** Latency figures cover this many of the latest answered operations. */
export const LATENCY_WINDOW = 200

/** A plain command: submitted once; done when the node that took it applies its index. */
interface CommandOperation {
  readonly id: number
  readonly command: string
  readonly target: NodeId | 'leader'
  readonly call: number
  node: NodeId | null
  index: number | null
  term: number
  return: number | null
  status: ClientOperationView['status']
  note: string | null
}

type Row =
  | { readonly kind: 'kv'; readonly id: number; readonly op: number }
  | { readonly kind: 'command'; readonly id: number; readonly operation: CommandOperation }

/** Where a KV operation the user sent was aimed, and who answered it. */
interface ConsoleOperation {
  readonly target: NodeId | 'leader'
  node: NodeId | null
}

/**
 * The live session's clients: the user's own requests and a generated KV workload, over one
 * KV service (a replica per node) and one history. Client timeouts and think times are
 * callbacks on `driver`, which the host runs in time order with the cluster's events. Every
 * request is a `submit` action on the cluster, so the trace records it as an input.
 */
export class LiveClients {
  readonly driver: SimDriver
  readonly service: KvService
  readonly history = new KvHistory()
  private workload: KvWorkload | null = null
  private settings: WorkloadSettings | null = null
  private nextClient: number
  private readonly idleClients: KvClient[] = []
  private readonly sent = new Map<number, ConsoleOperation>()
  private readonly rows: Row[] = []
  /** Commands waiting for "node:index" to be applied. */
  private readonly waiting = new Map<string, CommandOperation[]>()
  private readonly counts = { pending: 0, ok: 0, fail: 0, info: 0 }
  private latencies: number[] = []
  /** History lines already counted. */
  private linesSeen = 0
  private version = 0
  private cached: { version: number; view: ClientsView } | null = null
  private readonly detachApply: () => void

  constructor(readonly cluster: Cluster) {
    this.driver = new SimDriver(cluster)
    this.service = new KvService(cluster)
    // A session forked from a trace starts with applied entries and with clients that used
    // ids already: rebuild the replicas, and number new clients after the old ones.
    let highest = 0
    for (const input of cluster.inputs) {
      const kv = input.action.type === 'submit' ? asKvCommand(input.action.command) : null
      if (kv !== null) highest = Math.max(highest, kv.client)
    }
    this.nextClient = highest + 1
    for (const id of cluster.nodeIds) {
      for (const entry of cluster.applied(id)) {
        const kv = asKvCommand(entry.command)
        if (kv !== null) this.service.replica(id).apply(kv)
      }
    }
    this.detachApply = cluster.onEvent((event) => {
      if (event.kind !== 'apply') return
      const key = `${event.node}:${event.index}`
      const operations = this.waiting.get(key)
      if (operations === undefined) return
      this.waiting.delete(key)
      for (const operation of operations) {
        const committed = event.term === operation.term
        this.settle(
          operation,
          committed ? 'ok' : 'fail',
          committed ? null : `index ${event.index} went to term ${event.term}'s entry`,
        )
      }
    })
  }

  /** Send one request now. Returns the operation's id in the view. */
  request(request: ClientRequest): number {
    this.sync()
    if (request.kind === 'command') return this.submitCommand(request.command, request.node)
    const client = this.idleClients.pop() ?? this.newClient()
    const op = this.history.operations.length
    const server = request.node === 'leader' ? this.leaderOrFirst() : request.node
    const entry: ConsoleOperation = { target: request.node, node: null }
    this.sent.set(op, entry)
    client.invoke(
      { kind: request.kind, key: request.key, value: request.kind === 'get' ? '' : request.value },
      () => {
        if (this.history.operations[op]?.status === 'ok') entry.node = client.server
        this.idleClients.push(client)
        this.version++
      },
      server,
    )
    this.sync()
    return this.rows.find((row) => row.kind === 'kv' && row.op === op)!.id
  }

  /** Start a workload with these settings (replacing the running one), or stop it (null).
   * Operations in flight finish either way. */
  setWorkload(settings: WorkloadSettings | null): WorkloadSettings | null {
    this.workload?.stop()
    this.workload = null
    this.settings = settings
    if (settings !== null) {
      const workload = new KvWorkload(this.cluster, { ...settings }, this.driver, {
        service: this.service,
        history: this.history,
        firstClient: this.nextClient,
      })
      this.nextClient += settings.clients
      workload.start(Number.POSITIVE_INFINITY)
      this.workload = workload
    }
    this.version++
    return this.settings
  }

  view(): ClientsView {
    this.sync()
    if (this.cached?.version === this.version) return this.cached.view
    const operations: ClientOperationView[] = []
    for (let i = this.rows.length - 1; i >= 0 && operations.length < LISTED_OPERATIONS; i--) {
      operations.push(this.rowView(this.rows[i]!))
    }
    const view: ClientsView = {
      operations,
      counts: { ...this.counts },
      latency: latencySummary(this.latencies),
      workload: this.settings,
    }
    this.cached = { version: this.version, view }
    return view
  }

  close(): void {
    this.workload?.stop()
    this.detachApply()
    this.service.detach()
  }

  private newClient(): KvClient {
    return new KvClient(this.nextClient++, this.service, this.driver, this.history)
  }

  private leaderOrFirst(): NodeId {
    return this.cluster.leader() ?? this.cluster.nodeIds[0]!
  }

  private submitCommand(command: Command, target: NodeId | 'leader'): number {
    const call = this.cluster.now
    const outcome = this.cluster.apply({ type: 'submit', command, node: target })!
    const operation: CommandOperation = {
      id: this.rows.length,
      command: JSON.stringify(command),
      target,
      call,
      node: outcome.node,
      index: outcome.isLeader ? outcome.index : null,
      term: outcome.term,
      return: null,
      status: 'pending',
      note: null,
    }
    this.rows.push({ kind: 'command', id: operation.id, operation })
    this.counts.pending++
    if (!outcome.isLeader) {
      this.settle(
        operation,
        'fail',
        outcome.node === null ? 'there was no leader' : `N${outcome.node} is not the leader`,
      )
    } else {
      const key = `${outcome.node}:${outcome.index}`
      this.waiting.set(key, [...(this.waiting.get(key) ?? []), operation])
    }
    this.version++
    return operation.id
  }

  private settle(operation: CommandOperation, status: 'ok' | 'fail', note: string | null): void {
    operation.status = status
    operation.note = note
    operation.return = this.cluster.now
    this.counts.pending--
    this.counts[status]++
    if (status === 'ok') this.addLatency(operation.return - operation.call)
    this.version++
  }

  /** Take in the history lines written since the last call: new rows, counts, latencies. */
  private sync(): void {
    const lines = this.history.events
    if (this.linesSeen === lines.length) return
    for (; this.linesSeen < lines.length; this.linesSeen++) {
      const line = lines[this.linesSeen]!
      if (line.type === 'invoke') {
        this.rows.push({ kind: 'kv', id: this.rows.length, op: line.op })
        this.counts.pending++
        continue
      }
      this.counts.pending--
      this.counts[line.type]++
      const op = this.history.operations[line.op]!
      if (line.type === 'ok' && op.return !== null) this.addLatency(op.return - op.call)
    }
    this.version++
  }

  private addLatency(ms: number): void {
    this.latencies.push(ms)
    if (this.latencies.length > 2 * LATENCY_WINDOW)
      this.latencies = this.latencies.slice(-LATENCY_WINDOW)
  }

  private rowView(row: Row): ClientOperationView {
    if (row.kind === 'command') {
      const o = row.operation
      return {
        id: row.id,
        origin: 'you',
        kind: 'command',
        client: 0,
        key: '',
        value: o.command,
        target: o.target,
        node: o.node,
        index: o.index,
        call: o.call,
        return: o.return,
        status: o.status,
        output: null,
        note: o.note,
      }
    }
    const op = this.history.operations[row.op]!
    const sent = this.sent.get(row.op)
    return {
      id: row.id,
      origin: sent === undefined ? 'workload' : 'you',
      kind: op.kind,
      client: op.client,
      key: op.key,
      value: op.value,
      target: sent?.target ?? 'leader',
      node: sent?.node ?? null,
      index: null,
      call: op.call,
      return: op.return,
      status: op.status,
      output: op.output,
      note:
        op.status === 'fail'
          ? 'no leader took it in time'
          : op.status === 'info'
            ? 'a leader took it; the answer never came'
            : null,
    }
  }
}

/** Median, 95th percentile and maximum of the latest LATENCY_WINDOW latencies. */
export function latencySummary(
  latencies: readonly number[],
): { median: number; p95: number; max: number } | null {
  const recent = latencies.slice(-LATENCY_WINDOW)
  if (recent.length === 0) return null
  const sorted = [...recent].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1]! }
}
