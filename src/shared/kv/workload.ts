import type { Cluster } from '../sim/cluster'
import { SimRandom } from '../sim/random'
import { DEFAULT_CLIENT_OPTIONS, KvClient, type KvClientOptions } from './client'
import type { KvRequest } from './command'
import { SimDriver } from './driver'
import { KvHistory } from './history'
import { KvService } from './service'

export interface WorkloadOptions {
  readonly clients: number
  readonly keys: number
  /** Share of gets; the rest are writes. */
  readonly readFraction: number
  /** Share of writes that are appends; the rest are puts. */
  readonly appendFraction: number
  /** Operations per second each idle client starts, on average. */
  readonly rate: number
  /** Stop starting operations after this many in all (shrinking lowers it). */
  readonly maxOps: number
  readonly client: KvClientOptions
}

export const DEFAULT_WORKLOAD: WorkloadOptions = {
  clients: 3,
  keys: 3,
  readFraction: 0.4,
  appendFraction: 0.5,
  rate: 10,
  maxOps: Infinity,
  client: DEFAULT_CLIENT_OPTIONS,
}

/** What a workload can share with others on the same cluster (a live session runs several
 * workloads one after another, and its own clients besides). */
export interface WorkloadParts {
  readonly service?: KvService
  readonly history?: KvHistory
  /** The first client's id; ids must differ across a cluster's clients (each client's
   * sequence numbers restart at 1, and the store tells retries apart by client id). */
  readonly firstClient?: number
}

/**
 * A seeded KV workload on a cluster: `clients` clients, each running one operation at a time
 * with a think time drawn around 1/rate between them, over `keys` keys with the given read/write
 * mix. Every client draws from its own stream ("kv-client:N"), so adding a client shifts no other
 * client's choices. Written values are unique ("c2.7" is client 2's 7th operation), which makes
 * a history easy to check for linearizability.
 */
export class KvWorkload {
  readonly driver: SimDriver
  readonly service: KvService
  readonly history: KvHistory
  readonly options: WorkloadOptions
  private readonly clients: KvClient[] = []
  private readonly randoms: SimRandom[] = []
  private started = 0
  private until = 0

  constructor(
    cluster: Cluster,
    options: Partial<WorkloadOptions> = {},
    driver?: SimDriver,
    parts: WorkloadParts = {},
  ) {
    this.options = { ...DEFAULT_WORKLOAD, ...options }
    this.driver = driver ?? new SimDriver(cluster)
    this.service = parts.service ?? new KvService(cluster)
    this.history = parts.history ?? new KvHistory()
    const first = parts.firstClient ?? 1
    for (let id = first; id < first + this.options.clients; id++) {
      this.clients.push(
        new KvClient(id, this.service, this.driver, this.history, this.options.client),
      )
      this.randoms.push(new SimRandom(cluster.config.seed, `kv-client:${id}`))
    }
  }

  /** Operations started so far. */
  get operationsStarted(): number {
    return this.started
  }

  /** Whether no client is waiting for an answer. */
  get idle(): boolean {
    return this.clients.every((client) => !client.busy)
  }

  /** Clients start operations from now until virtual time `until`. */
  start(until: number): void {
    this.until = until
    this.clients.forEach((client, i) => this.scheduleNext(client, this.randoms[i]!))
  }

  /** Stop starting operations (those in flight go on). */
  stop(): void {
    this.until = this.driver.now
  }

  /** End every operation still waiting: `info` if a leader accepted it, else `fail`. */
  abandon(): void {
    for (const client of this.clients) client.abandon()
  }

  /** Start one operation on client `id` now, outside the generated mix (a final read, say). */
  invoke(id: number, request: KvRequest, done?: () => void): void {
    this.clients.find((client) => client.id === id)!.invoke(request, done)
  }

  private scheduleNext(client: KvClient, random: SimRandom): void {
    const meanGap = 1000 / this.options.rate
    this.driver.after(random.duration(0, 2 * meanGap), () => {
      if (this.driver.now >= this.until || this.started >= this.options.maxOps) return
      this.started++
      client.invoke(this.nextRequest(client.id, random), () => this.scheduleNext(client, random))
    })
  }

  private nextRequest(client: number, random: SimRandom): KvRequest {
    const key = `k${random.int(1, this.options.keys)}`
    if (random.chance(this.options.readFraction)) return { kind: 'get', key, value: '' }
    const value = `c${client}.${this.started};`
    return random.chance(this.options.appendFraction)
      ? { kind: 'append', key, value }
      : { kind: 'put', key, value }
  }
}
