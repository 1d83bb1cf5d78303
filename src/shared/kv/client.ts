import type { NodeId } from '../raft/types'
import type { SimDriver, Timeout } from './driver'
import { kvCommand, type KvRequest } from './command'
import type { KvHistory } from './history'
import type { KvService } from './service'

export interface KvClientOptions {
  /** Wait this long for an answer before trying another server (ms). */
  readonly requestTimeout: number
  /** Pause before retrying after "not the leader" or a lost request (ms). */
  readonly retryBackoff: number
  /** Give up on an operation after this long (ms): it ends `info` if a leader ever accepted it,
   * `fail` if none did. */
  readonly operationTimeout: number
}

export const DEFAULT_CLIENT_OPTIONS: KvClientOptions = {
  requestTimeout: 600,
  retryBackoff: 20,
  operationTimeout: 5000,
}

interface Outstanding {
  readonly op: number
  readonly seq: number
  readonly request: KvRequest
  readonly call: number
  /** Whether some leader accepted it into its log (then it may have happened). */
  accepted: boolean
  timer: Timeout | null
  withdraw: (() => void) | null
  readonly done: () => void
}

/**
 * A client of the KV service in virtual time, like the classic lab's clerk: one operation at a
 * time, each with the next sequence number; it sends to the server it believes leads, follows
 * "not the leader" hints, and retries the same request (same sequence number, so it applies at
 * most once) on a wrong leader, a lost request or a timeout. Every operation is recorded in the
 * history from call to answer.
 */
export class KvClient {
  private seq = 0
  private leaderGuess: NodeId
  private current: Outstanding | null = null

  constructor(
    readonly id: number,
    private readonly service: KvService,
    private readonly driver: SimDriver,
    private readonly history: KvHistory,
    private readonly options: KvClientOptions = DEFAULT_CLIENT_OPTIONS,
  ) {
    const ids = service.cluster.nodeIds
    this.leaderGuess = ids[(id - 1) % ids.length]!
  }

  get busy(): boolean {
    return this.current !== null
  }

  /** The server this client talks to next: after an `ok`, the one that answered. */
  get server(): NodeId {
    return this.leaderGuess
  }

  /**
   * Start an operation now; `done` runs when it ends, however it ends. `server`, when given, is
   * asked first (a user picking a node); otherwise the client's own guess of the leader.
   */
  invoke(request: KvRequest, done: () => void = () => {}, server?: NodeId): void {
    if (this.current !== null) throw new Error(`client ${this.id} already has an operation`)
    if (server !== undefined) this.leaderGuess = server
    const call = this.driver.now
    const seq = ++this.seq
    const op = this.history.invoke(call, this.id, seq, request.kind, request.key, request.value)
    this.current = {
      op,
      seq,
      request,
      call,
      accepted: false,
      timer: null,
      withdraw: null,
      done,
    }
    this.attempt()
  }

  /** End the outstanding operation now without an answer (the run is over). */
  abandon(): void {
    const current = this.current
    if (current === null) return
    this.finish(current.accepted ? 'info' : 'fail', null)
  }

  private attempt(): void {
    const current = this.current!
    if (this.driver.now - current.call >= this.options.operationTimeout) {
      this.finish(current.accepted ? 'info' : 'fail', null)
      return
    }
    const cluster = this.service.cluster
    const node = this.leaderGuess
    const outcome = cluster.submit(kvCommand(this.id, current.seq, current.request), node)
    if (!outcome.isLeader) {
      const hint = cluster.status(node) === 'up' ? cluster.raft(node).leaderId : null
      this.leaderGuess = hint !== null && hint !== node ? hint : this.nextServer(node)
      this.retryAfter(this.options.retryBackoff)
      return
    }
    current.accepted = true
    current.withdraw = this.service.await(node, outcome.index, (applied, result) => {
      current.withdraw = null
      current.timer?.cancel()
      current.timer = null
      if (
        applied !== null &&
        result !== null &&
        applied.client === this.id &&
        applied.seq === current.seq
      ) {
        this.finish('ok', result.value)
      } else {
        // Another entry took the index: that leader lost our request. Try again.
        this.leaderGuess = this.nextServer(node)
        this.retryAfter(this.options.retryBackoff)
      }
    })
    current.timer = this.driver.after(this.options.requestTimeout, () => {
      current.timer = null
      current.withdraw?.()
      current.withdraw = null
      this.leaderGuess = this.nextServer(node)
      this.attempt()
    })
  }

  private retryAfter(delay: number): void {
    const current = this.current!
    current.timer = this.driver.after(delay, () => {
      current.timer = null
      this.attempt()
    })
  }

  private finish(status: 'ok' | 'fail' | 'info', output: string | null): void {
    const current = this.current!
    current.timer?.cancel()
    current.withdraw?.()
    this.current = null
    this.history.complete(current.op, this.driver.now, status, output)
    current.done()
  }

  private nextServer(node: NodeId): NodeId {
    const ids = this.service.cluster.nodeIds
    return ids[ids.indexOf(node) + 1] ?? ids[0]!
  }
}
