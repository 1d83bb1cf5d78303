import { emptyEffects, type Effects, type PersistOp, type TimerKind } from './effects'
import type { BugName } from './bugs'
import { assertInvariant } from './errors'
import { RaftLog } from './log'
import type {
  AppendEntries,
  AppendEntriesReply,
  RaftMessage,
  RequestVote,
  RequestVoteReply,
} from './messages'
import { FollowerProgress } from './progress'
import { majority, quorumMatchIndexInPlace } from './quorum'
import type {
  Command,
  LogEntry,
  NodeId,
  PersistentState,
  RaftTiming,
  RandomStream,
  Role,
} from './types'

/** Gathers nothing: effects outside a step are a bug, and this makes them visible in tests. */
const NO_EFFECTS: Effects = Object.freeze({
  persist: Object.freeze([]) as unknown as Effects['persist'],
  messages: Object.freeze([]) as unknown as Effects['messages'],
  apply: Object.freeze([]) as unknown as Effects['apply'],
  timers: Object.freeze([]) as unknown as Effects['timers'],
  notes: Object.freeze([]) as unknown as Effects['notes'],
})

/** What a node can be stepped with. */
export type RaftInput =
  | { readonly type: 'message'; readonly message: RaftMessage }
  | { readonly type: 'timer'; readonly timer: TimerKind }
  /** Admin: start an election now (a follower or candidate "times out now"). */
  | { readonly type: 'timeout-now' }
  /** Admin: re-arm the election timer with this delay (used to spread or align timers). */
  | { readonly type: 'set-election-timer'; readonly delay: number }

/** Like the classic lab's Start(): where the command would land, if this node is the leader. */
export interface SubmitResult {
  readonly index: number
  readonly term: number
  readonly isLeader: boolean
}

export interface RaftNodeOptions {
  readonly id: NodeId
  /** Every server in the cluster, this one included. */
  readonly members: readonly NodeId[]
  readonly timing: RaftTiming
  readonly random: RandomStream
  /** Stable storage to recover from; absent for a brand-new server. */
  readonly persisted?: PersistentState
  /** Teaching bug switches (see bugs.ts); none by default, which is the correct protocol. */
  readonly bugs?: readonly BugName[]
}

/** Which bug switches are on, looked up once so the hot path tests a boolean. */
interface BugFlags {
  readonly commitOldTerm: boolean
  readonly voteWithoutLogCheck: boolean
  readonly doubleVote: boolean
  readonly truncateOnAnyAppend: boolean
  readonly noStepDown: boolean
}

/** A read-only picture of a node for views, checkers and checkpoints. */
export interface RaftNodeState {
  readonly id: NodeId
  readonly role: Role
  readonly currentTerm: number
  readonly votedFor: NodeId | null
  readonly leaderId: NodeId | null
  readonly commitIndex: number
  readonly lastApplied: number
  readonly firstIndex: number
  readonly lastIndex: number
  readonly lastTerm: number
  readonly votesReceived: readonly NodeId[]
  readonly progress: readonly {
    readonly id: NodeId
    readonly nextIndex: number
    readonly matchIndex: number
  }[]
}

/**
 * One Raft server as a pure state machine (Figure 2 of the Raft paper, in full).
 *
 * It is stepped with an input at a virtual time and returns effects: state to persist, messages
 * to send, committed entries to apply, timers to arm. It never reads a clock, draws randomness of
 * its own (the election jitter comes from the stream handed in), or does I/O.
 */
export class RaftNode {
  readonly id: NodeId
  readonly members: readonly NodeId[]
  readonly peers: readonly NodeId[]
  private readonly timing: RaftTiming
  private readonly random: RandomStream
  private readonly bug: BugFlags

  // Persistent state on all servers (Figure 2).
  private currentTermValue: number
  private votedForValue: NodeId | null
  readonly log: RaftLog

  // Volatile state on all servers.
  private roleValue: Role = 'follower'
  private commitIndexValue = 0
  private lastAppliedValue = 0
  private leaderIdValue: NodeId | null = null

  // Volatile state on candidates.
  private votes = new Set<NodeId>()
  private voteResponses = new Set<NodeId>()

  // Volatile state on leaders (reinitialized after election).
  private progress = new Map<NodeId, FollowerProgress>()

  /** The effects being gathered by the current step. */
  private out: Effects = NO_EFFECTS
  /** Scratch space for the commit computation: one match index per member. */
  private readonly matchScratch: number[]
  private now = 0

  constructor(options: RaftNodeOptions) {
    this.id = options.id
    this.members = [...options.members].sort((a, b) => a - b)
    this.peers = this.members.filter((m) => m !== this.id)
    this.matchScratch = new Array<number>(this.members.length).fill(0)
    this.timing = options.timing
    this.random = options.random
    const bugs = new Set(options.bugs ?? [])
    this.bug = {
      commitOldTerm: bugs.has('commit-old-term'),
      voteWithoutLogCheck: bugs.has('vote-without-log-check'),
      doubleVote: bugs.has('double-vote'),
      truncateOnAnyAppend: bugs.has('truncate-on-any-append'),
      noStepDown: bugs.has('no-step-down'),
    }
    const persisted = options.persisted
    this.currentTermValue = persisted?.currentTerm ?? 0
    // Bug 'votedfor-not-persisted': the vote was written to disk, but recovery forgets it, so a
    // restarted node may vote again in a term it already voted in.
    this.votedForValue = bugs.has('votedfor-not-persisted') ? null : (persisted?.votedFor ?? null)
    this.log = new RaftLog(persisted?.entries ?? [], persisted?.firstIndex ?? 1)
  }

  get role(): Role {
    return this.roleValue
  }
  get currentTerm(): number {
    return this.currentTermValue
  }
  get votedFor(): NodeId | null {
    return this.votedForValue
  }
  get commitIndex(): number {
    return this.commitIndexValue
  }
  get lastApplied(): number {
    return this.lastAppliedValue
  }
  get leaderId(): NodeId | null {
    return this.leaderIdValue
  }

  /** Every server starts as a follower with a randomized election timer (§5.2). */
  start(now: number): Effects {
    this.begin(now)
    this.armElectionTimer()
    return this.end()
  }

  step(input: RaftInput, now: number): Effects {
    this.begin(now)
    switch (input.type) {
      case 'message':
        this.receive(input.message)
        break
      case 'timer':
        this.onTimer(input.timer)
        break
      case 'timeout-now':
        if (this.roleValue !== 'leader') this.startElection()
        break
      case 'set-election-timer':
        if (this.roleValue !== 'leader') this.arm('election', input.delay)
        break
    }
    return this.end()
  }

  /**
   * Start agreement on a command (the lab's Start()). Only a leader appends; it persists the entry
   * and sends it to followers that have nothing outstanding. Others answer isLeader: false.
   */
  submit(command: Command, now: number): { result: SubmitResult; effects: Effects } {
    const index = this.log.lastIndex + 1
    const term = this.currentTermValue
    this.begin(now)
    if (this.roleValue !== 'leader') {
      return { result: { index, term, isLeader: false }, effects: this.end() }
    }
    this.appendToLog([{ term, command }])
    for (const peer of this.peers) {
      const progress = this.progressOf(peer)
      if (progress.canSendBatch(this.now, this.timing.rpcRetryTimeout)) this.sendAppend(peer)
    }
    this.advanceLeaderCommit()
    return { result: { index, term, isLeader: true }, effects: this.end() }
  }

  snapshot(): RaftNodeState {
    return {
      id: this.id,
      role: this.roleValue,
      currentTerm: this.currentTermValue,
      votedFor: this.votedForValue,
      leaderId: this.leaderIdValue,
      commitIndex: this.commitIndexValue,
      lastApplied: this.lastAppliedValue,
      firstIndex: this.log.firstIndex,
      lastIndex: this.log.lastIndex,
      lastTerm: this.log.lastTerm,
      votesReceived: this.roleValue === 'candidate' ? [...this.votes].sort((a, b) => a - b) : [],
      progress:
        this.roleValue === 'leader'
          ? this.peers.map((id) => {
              const p = this.progressOf(id)
              return { id, nextIndex: p.nextIndex, matchIndex: p.matchIndex }
            })
          : [],
    }
  }

  /** Start gathering one step's effects. */
  private begin(now: number): void {
    this.now = now
    this.out = emptyEffects()
  }

  /** Hand the step's effects over; nothing is gathered until the next begin(). */
  private end(): Effects {
    const effects = this.out
    this.out = NO_EFFECTS
    return effects
  }

  // ---------------------------------------------------------------------------------------------
  // Messages

  private receive(message: RaftMessage): void {
    // §5.1 / Figure 2 "Rules for Servers": any RPC request or response carrying a higher term
    // makes this server adopt that term and become a follower, before anything else happens.
    if (message.term > this.currentTermValue && !this.ignoresHigherTerm(message)) {
      const leader = message.type === 'AppendEntries' ? message.from : null
      this.becomeFollower(message.term, leader)
    }
    switch (message.type) {
      case 'RequestVote':
        this.onRequestVote(message)
        break
      case 'RequestVoteReply':
        this.onRequestVoteReply(message)
        break
      case 'AppendEntries':
        this.onAppendEntries(message)
        break
      case 'AppendEntriesReply':
        this.onAppendEntriesReply(message)
        break
    }
  }

  /** Bug 'no-step-down': a leader ignores a higher term carried by a reply. */
  private ignoresHigherTerm(message: RaftMessage): boolean {
    return (
      this.bug.noStepDown &&
      this.roleValue === 'leader' &&
      (message.type === 'RequestVoteReply' || message.type === 'AppendEntriesReply')
    )
  }

  private onRequestVote(request: RequestVote): void {
    // Figure 2, RequestVote receiver: 1. reply false if term < currentTerm;
    // 2. grant if votedFor is null or candidateId, and the candidate's log is at least as
    // up to date as the receiver's (§5.2, §5.4.1).
    let granted = false
    if (request.term === this.currentTermValue) {
      const canVote =
        this.votedForValue === null || this.votedForValue === request.from || this.bug.doubleVote
      const upToDate =
        this.bug.voteWithoutLogCheck ||
        this.log.isUpToDate(request.lastLogIndex, request.lastLogTerm)
      if (canVote && upToDate) {
        granted = true
        if (this.votedForValue !== request.from) {
          this.votedForValue = request.from
          this.persistHardState()
          this.out.notes.push({
            note: 'vote',
            term: this.currentTermValue,
            candidate: request.from,
          })
        }
        // Figure 2, Followers: granting a vote resets the election timer.
        this.armElectionTimer()
      }
    }
    this.send({
      type: 'RequestVoteReply',
      from: this.id,
      to: request.from,
      term: this.currentTermValue,
      voteGranted: granted,
    })
  }

  private onRequestVoteReply(reply: RequestVoteReply): void {
    if (this.roleValue !== 'candidate' || reply.term !== this.currentTermValue) return
    this.voteResponses.add(reply.from)
    if (!reply.voteGranted) return
    this.votes.add(reply.from)
    if (this.votes.size >= majority(this.members.length)) this.becomeLeader()
  }

  private onAppendEntries(request: AppendEntries): void {
    // 1. Reply false if term < currentTerm (§5.1).
    if (request.term < this.currentTermValue) {
      this.rejectAppend(request, 0, 0)
      return
    }
    if (this.roleValue === 'leader') {
      // Same term, another leader: Election Safety is broken. Never accept it silently.
      this.out.notes.push({
        note: 'internal-error',
        message: `two leaders in term ${request.term}: node ${this.id} received AppendEntries from node ${request.from}`,
        context: { term: request.term, leader: this.id, otherLeader: request.from },
      })
      this.rejectAppend(request, 0, 0)
      return
    }
    // A candidate that hears from a leader of its own term concedes (§5.2).
    if (this.roleValue === 'candidate') this.becomeFollower(request.term, request.from)
    this.leaderIdValue = request.from
    this.armElectionTimer()

    // 2. Reply false if the log has no entry at prevLogIndex whose term matches prevLogTerm
    // (§5.3), with a hint so the leader can skip a whole term per round trip.
    const prevIndex = request.prevLogIndex
    if (prevIndex > this.log.lastIndex) {
      this.rejectAppend(request, this.log.lastIndex + 1, 0)
      return
    }
    if (prevIndex >= this.log.firstIndex - 1) {
      const localTerm = this.log.termAt(prevIndex) ?? 0
      if (localTerm !== request.prevLogTerm) {
        this.rejectAppend(request, this.log.firstIndexOfTerm(localTerm, prevIndex), localTerm)
        return
      }
    }

    // 3. If an existing entry conflicts with a new one (same index, different terms), delete
    // it and all that follow; 4. append any new entries not already in the log. Entries that
    // match are kept: a late or duplicated request must never shorten the log.
    const entries = request.entries
    // Bug 'truncate-on-any-append': drop everything after prevLogIndex, matching or not.
    if (this.bug.truncateOnAnyAppend && prevIndex < this.log.lastIndex) {
      this.truncateLog(prevIndex + 1)
    }
    let i = 0
    while (i < entries.length) {
      const index = prevIndex + 1 + i
      const localTerm = this.log.termAt(index)
      if (localTerm === undefined) break
      if (localTerm !== entries[i]!.term) {
        this.truncateLog(index)
        break
      }
      i++
    }
    if (i < entries.length) this.appendToLog(entries.slice(i))

    // 5. If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last new
    // entry). The last new entry is the last one this request carried, not the log's end.
    const lastNewIndex = prevIndex + entries.length
    if (request.leaderCommit > this.commitIndexValue) {
      this.setCommitIndex(Math.min(request.leaderCommit, lastNewIndex))
    }
    this.send({
      type: 'AppendEntriesReply',
      from: this.id,
      to: request.from,
      term: this.currentTermValue,
      success: true,
      prevLogIndex: prevIndex,
      matchIndex: lastNewIndex,
      conflictIndex: 0,
      conflictTerm: 0,
    })
  }

  private rejectAppend(request: AppendEntries, conflictIndex: number, conflictTerm: number): void {
    this.send({
      type: 'AppendEntriesReply',
      from: this.id,
      to: request.from,
      term: this.currentTermValue,
      success: false,
      prevLogIndex: request.prevLogIndex,
      matchIndex: 0,
      conflictIndex,
      conflictTerm,
    })
  }

  private onAppendEntriesReply(reply: AppendEntriesReply): void {
    if (this.roleValue !== 'leader' || reply.term !== this.currentTermValue) return
    const progress = this.progressOf(reply.from)
    if (reply.success) {
      if (reply.matchIndex > progress.matchIndex) progress.matchIndex = reply.matchIndex
      if (progress.nextIndex < progress.matchIndex + 1) progress.nextIndex = progress.matchIndex + 1
      if (progress.inflightSince !== null && reply.matchIndex >= progress.inflightLastIndex) {
        progress.clearInflight()
      }
      this.advanceLeaderCommit()
      // Keep a lagging follower streaming: send the next batch as soon as one is acknowledged.
      if (progress.nextIndex <= this.log.lastIndex && progress.inflightSince === null) {
        this.sendAppend(reply.from)
      }
      return
    }
    // A rejection only matters if it answers the probe at our current nextIndex; older ones
    // (late, duplicated) describe a state we have already moved past.
    if (reply.prevLogIndex !== progress.nextIndex - 1) return
    const next = Math.max(progress.matchIndex + 1, this.nextIndexAfterConflict(reply))
    // Probe again at once only when the rejection moved nextIndex back. A follower that rejects
    // a probe at its own matchIndex has lost entries it acknowledged (only a bug switch does
    // that); answering at once would ping-pong at network speed, and every duplicated message
    // would start another such exchange. The next heartbeat retries instead.
    if (next >= progress.nextIndex) return
    progress.nextIndex = next
    progress.clearInflight()
    this.sendAppend(reply.from)
  }

  /**
   * Accelerated log backtracking (§5.3, end): if the leader has entries of the follower's
   * conflicting term, resume after its last one; otherwise skip the follower's whole term.
   */
  private nextIndexAfterConflict(reply: AppendEntriesReply): number {
    let next = reply.conflictIndex
    if (reply.conflictTerm > 0) {
      const lastOfTerm = this.log.lastIndexOfTerm(reply.conflictTerm)
      if (lastOfTerm > 0) next = lastOfTerm + 1
    }
    // Never move forward past the probe that was rejected, never below the log's start.
    return Math.max(this.log.firstIndex, Math.min(next, reply.prevLogIndex))
  }

  // ---------------------------------------------------------------------------------------------
  // Timers and roles

  private onTimer(timer: TimerKind): void {
    switch (timer) {
      case 'election':
        if (this.roleValue !== 'leader') this.startElection()
        break
      case 'vote-retry':
        if (this.roleValue === 'candidate') {
          for (const peer of this.peers) {
            if (!this.voteResponses.has(peer)) this.sendRequestVote(peer)
          }
          this.arm('vote-retry', this.timing.rpcRetryTimeout)
        }
        break
      case 'heartbeat':
        if (this.roleValue === 'leader') {
          this.broadcastAppend()
          this.arm('heartbeat', this.timing.heartbeatInterval)
        }
        break
    }
  }

  /** Figure 2, Candidates: increment currentTerm, vote for self, reset the election timer,
   * send RequestVote to all other servers. */
  private startElection(): void {
    const previous = this.roleValue
    this.setTerm(this.currentTermValue + 1)
    this.votedForValue = this.id
    this.persistHardState()
    this.roleValue = 'candidate'
    this.leaderIdValue = null
    this.out.notes.push({
      note: 'role',
      from: previous,
      to: 'candidate',
      term: this.currentTermValue,
    })
    this.out.notes.push({ note: 'vote', term: this.currentTermValue, candidate: this.id })
    this.votes = new Set([this.id])
    this.voteResponses = new Set([this.id])
    this.armElectionTimer()
    if (this.votes.size >= majority(this.members.length)) {
      this.becomeLeader()
      return
    }
    for (const peer of this.peers) this.sendRequestVote(peer)
    this.arm('vote-retry', this.timing.rpcRetryTimeout)
  }

  private becomeLeader(): void {
    const previous = this.roleValue
    this.roleValue = 'leader'
    this.leaderIdValue = this.id
    this.out.notes.push({ note: 'role', from: previous, to: 'leader', term: this.currentTermValue })
    this.progress = new Map()
    for (const peer of this.peers) {
      this.progress.set(peer, new FollowerProgress(this.log.lastIndex + 1))
    }
    this.arm('election', null)
    this.arm('vote-retry', null)
    // Upon election: send initial empty AppendEntries (heartbeat) to each server.
    this.broadcastAppend()
    this.arm('heartbeat', this.timing.heartbeatInterval)
    this.advanceLeaderCommit()
  }

  private becomeFollower(term: number, leaderId: NodeId | null): void {
    const previous = this.roleValue
    if (term > this.currentTermValue) {
      this.setTerm(term)
      this.votedForValue = null
      this.persistHardState()
    }
    this.leaderIdValue = leaderId
    if (previous === 'follower') return
    this.roleValue = 'follower'
    this.out.notes.push({
      note: 'role',
      from: previous,
      to: 'follower',
      term: this.currentTermValue,
    })
    this.votes = new Set()
    this.voteResponses = new Set()
    this.progress = new Map()
    this.arm('heartbeat', null)
    this.arm('vote-retry', null)
    // A leader had no election timer running; a candidate's keeps running.
    if (previous === 'leader') this.armElectionTimer()
  }

  /** votedFor is reset exactly when the term changes, and only then. */
  private setTerm(term: number): void {
    if (term === this.currentTermValue) return
    this.out.notes.push({ note: 'term', from: this.currentTermValue, to: term })
    this.currentTermValue = term
    this.votedForValue = null
  }

  // ---------------------------------------------------------------------------------------------
  // Replication

  private broadcastAppend(): void {
    for (const peer of this.peers) this.sendAppend(peer)
  }

  /**
   * Send AppendEntries to one follower from its nextIndex (Figure 2: "if last log index ≥
   * nextIndex for a follower, send AppendEntries with log entries starting at nextIndex"). A
   * lagging follower always gets real entries, at most maxEntriesPerAppend of them; an
   * up-to-date one gets an empty heartbeat. Every heartbeat round therefore retries whatever
   * was lost; between rounds, new proposals go only to followers with nothing outstanding.
   */
  private sendAppend(peer: NodeId): void {
    const progress = this.progressOf(peer)
    const prevLogIndex = progress.nextIndex - 1
    let entries: LogEntry[] = []
    if (progress.nextIndex <= this.log.lastIndex) {
      entries = this.log.slice(
        progress.nextIndex,
        progress.nextIndex + this.timing.maxEntriesPerAppend,
      )
      progress.sentBatch(this.now, prevLogIndex + entries.length)
    }
    this.send({
      type: 'AppendEntries',
      from: this.id,
      to: peer,
      term: this.currentTermValue,
      prevLogIndex,
      prevLogTerm: this.log.termAt(prevLogIndex) ?? 0,
      entries,
      leaderCommit: this.commitIndexValue,
    })
  }

  /**
   * §5.3/§5.4.2: commit the highest index replicated on a majority, but only if that entry is
   * of the current term (Figure 8). Earlier entries then commit indirectly, by Log Matching.
   */
  private advanceLeaderCommit(): void {
    const matches = this.matchScratch
    matches[0] = this.log.lastIndex
    for (let i = 0; i < this.peers.length; i++) {
      matches[i + 1] = this.progressOf(this.peers[i]!).matchIndex
    }
    const candidate = quorumMatchIndexInPlace(matches)
    if (
      candidate > this.commitIndexValue &&
      (this.bug.commitOldTerm || this.log.termAt(candidate) === this.currentTermValue)
    ) {
      this.setCommitIndex(candidate)
    }
  }

  private setCommitIndex(index: number): void {
    if (index <= this.commitIndexValue) return
    this.out.notes.push({ note: 'commit', from: this.commitIndexValue, to: index })
    this.commitIndexValue = index
    // All servers: if commitIndex > lastApplied, apply log[lastApplied+1 …] in order.
    while (this.lastAppliedValue < this.commitIndexValue) {
      const index = this.lastAppliedValue + 1
      const entry = this.log.entryAt(index)
      assertInvariant(entry !== undefined, 'committed entry missing from the log', {
        node: this.id,
        index,
        commitIndex: this.commitIndexValue,
        lastIndex: this.log.lastIndex,
      })
      this.out.apply.push({ index, term: entry.term, command: entry.command })
      this.lastAppliedValue = index
    }
  }

  private appendToLog(entries: readonly LogEntry[]): void {
    const firstIndex = this.log.lastIndex + 1
    this.log.append(entries)
    this.out.persist.push({ op: 'append', firstIndex, entries })
  }

  private truncateLog(fromIndex: number): void {
    // Leader Append-Only (§5.3): a leader never overwrites or deletes entries in its own log.
    assertInvariant(this.roleValue !== 'leader', 'a leader tried to delete its own entries', {
      node: this.id,
      term: this.currentTermValue,
      fromIndex,
      lastIndex: this.log.lastIndex,
    })
    if (fromIndex <= this.commitIndexValue) {
      // Only reachable when another rule was broken (a bug switch): report, do not hide it.
      this.out.notes.push({
        note: 'internal-error',
        message: `node ${this.id} deleted committed entries from index ${fromIndex} (commitIndex ${this.commitIndexValue})`,
        context: { node: this.id, fromIndex, commitIndex: this.commitIndexValue },
      })
    }
    this.log.truncateFrom(fromIndex)
    this.out.persist.push({ op: 'truncate', fromIndex })
  }

  // ---------------------------------------------------------------------------------------------
  // Effects

  private sendRequestVote(peer: NodeId): void {
    this.send({
      type: 'RequestVote',
      from: this.id,
      to: peer,
      term: this.currentTermValue,
      lastLogIndex: this.log.lastIndex,
      lastLogTerm: this.log.lastTerm,
    })
  }

  private send(message: RaftMessage): void {
    this.out.messages.push(message)
  }

  private persistHardState(): void {
    const op: PersistOp = {
      op: 'hard-state',
      currentTerm: this.currentTermValue,
      votedFor: this.votedForValue,
    }
    const persist = this.out.persist
    const last = persist[persist.length - 1]
    // Two hard-state writes in a row within one step collapse into the later one.
    if (last?.op === 'hard-state') persist[persist.length - 1] = op
    else persist.push(op)
  }

  private armElectionTimer(): void {
    this.arm(
      'election',
      this.random.int(this.timing.electionTimeoutMin, this.timing.electionTimeoutMax),
    )
  }

  private arm(timer: TimerKind, delay: number | null): void {
    this.out.timers.push({ timer, delay })
  }

  private progressOf(peer: NodeId): FollowerProgress {
    let progress = this.progress.get(peer)
    if (progress === undefined) {
      progress = new FollowerProgress(this.log.lastIndex + 1)
      this.progress.set(peer, progress)
    }
    return progress
  }
}
