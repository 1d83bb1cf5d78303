import type { LinkSettings } from '../../../shared/api/batch'
import type { RaftTiming } from '../../../shared/raft/types'
import type { ClusterAction } from '../../../shared/sim/actions'
import type { SimNodeState } from '../../../shared/sim/cluster'
import type { ClusterConfig, LinkConfig } from '../../../shared/sim/config'
import type { NetworkFaults } from '../../../shared/sim/network'

/**
 * What the lab's one-key faults and the fault panel's buttons do, as cluster actions. Pure: the
 * stores send them (applyAll, so each plan happens at one instant).
 */

/** Followers and candidates that have an election timer to move (a leader has none). */
function timedNodes(nodes: readonly SimNodeState[]): SimNodeState[] {
  return nodes.filter((node) => node.status === 'up' && node.role !== 'leader')
}

/**
 * Spread the election timers evenly over the election timeout range, in id order: the first
 * node times out well before the next, wins the election alone, and no vote splits.
 */
export function spreadTimerActions(
  nodes: readonly SimNodeState[],
  timing: RaftTiming,
): ClusterAction[] {
  const timed = timedNodes(nodes)
  const span = timing.electionTimeoutMax - timing.electionTimeoutMin
  return timed.map((node, i) => ({
    type: 'set-election-timer',
    node: node.id,
    delay: timing.electionTimeoutMin + (timed.length > 1 ? (span * i) / (timed.length - 1) : 0),
  }))
}

/** How soon aligned timers fire (ms of virtual time): soon enough to watch it happen. */
export const ALIGNED_TIMER_DELAY = 50

/**
 * Make every follower's and candidate's election timer fire at the same instant: they all
 * stand at once, each votes for itself, and (without a leader to stop them) the vote splits.
 */
export function alignTimerActions(
  nodes: readonly SimNodeState[],
  delay = ALIGNED_TIMER_DELAY,
): ClusterAction[] {
  return timedNodes(nodes).map((node) => ({ type: 'set-election-timer', node: node.id, delay }))
}

function sameLink(a: LinkConfig, b: LinkConfig): boolean {
  return (Object.keys(a) as (keyof LinkConfig)[]).every((key) => a[key] === b[key])
}

/**
 * Undo every fault: the network's (partition, cuts, disconnections), the links' settings (back
 * to the session's network), paused nodes resumed, crashed nodes restarted, clocks at normal
 * speed. Empty when there is nothing to undo.
 */
export function healAllActions(
  nodes: readonly SimNodeState[],
  faults: NetworkFaults,
  links: LinkSettings | null,
  config: ClusterConfig | null,
): ClusterAction[] {
  const actions: ClusterAction[] = []
  if (faults.partition.length > 0 || faults.cuts.length > 0 || faults.disconnected.length > 0) {
    actions.push({ type: 'heal' })
  }
  if (links !== null && config !== null) {
    const changed = links.overrides.length > 0 || !sameLink(links.default, config.network)
    if (changed) {
      actions.push({
        type: 'set-network',
        network: config.networkPreset === 'custom' ? { ...config.network } : config.networkPreset,
      })
    }
  }
  for (const node of nodes) {
    if (node.status === 'paused') actions.push({ type: 'resume', node: node.id })
    if (node.status === 'crashed') actions.push({ type: 'restart', node: node.id })
    if (node.drift !== 1) actions.push({ type: 'drift', node: node.id, rate: 1 })
  }
  return actions
}

/** One entry of a node's menu (and of its details' buttons). */
export interface NodeAction {
  readonly id:
    'crash' | 'restart' | 'pause' | 'resume' | 'timeout' | 'isolate' | 'reconnect' | 'submit'
  readonly label: string
  /** What it does, for a tooltip. */
  readonly hint: string
  /** null for "submit a command here" (the store makes the command). */
  readonly action: ClusterAction | null
}

/** What can be done to a node in its present state, in menu order. */
export function nodeActions(node: SimNodeState): NodeAction[] {
  const id = node.id
  const items: NodeAction[] = []
  if (node.status === 'crashed') {
    items.push({
      id: 'restart',
      label: 'Restart',
      hint: 'Start again from its disk: term, vote and log survive; the rest is rebuilt',
      action: { type: 'restart', node: id },
    })
  } else {
    items.push({
      id: 'crash',
      label: 'Crash',
      hint: 'Stop the node: volatile state is lost, its disk is kept',
      action: { type: 'crash', node: id },
    })
  }
  if (node.status === 'up') {
    items.push({
      id: 'pause',
      label: 'Pause node',
      hint: 'Freeze the node (like a long GC pause); messages for it wait',
      action: { type: 'pause', node: id },
    })
  }
  if (node.status === 'paused') {
    items.push({
      id: 'resume',
      label: 'Resume node',
      hint: 'Unfreeze the node: it goes on believing what it believed',
      action: { type: 'resume', node: id },
    })
  }
  if (node.status === 'up' && node.role !== 'leader') {
    items.push({
      id: 'timeout',
      label: 'Time out now',
      hint: 'Fire its election timer: it becomes a candidate in the next term',
      action: { type: 'timeout-now', node: id },
    })
  }
  items.push(
    node.disconnected
      ? {
          id: 'reconnect',
          label: 'Reconnect',
          hint: 'Restore every link to and from this node',
          action: { type: 'connect', node: id },
        }
      : {
          id: 'isolate',
          label: 'Isolate',
          hint: 'Cut every link to and from this node',
          action: { type: 'disconnect', node: id },
        },
  )
  if (node.status === 'up') {
    items.push({
      id: 'submit',
      label: 'Submit a command here',
      hint: 'A client command sent to this node (only a leader takes it)',
      action: null,
    })
  }
  return items
}
