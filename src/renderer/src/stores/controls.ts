import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { NodeId } from '../../../shared/raft/types'
import type { ClusterAction } from '../../../shared/sim/actions'
import { DEFAULT_TIMING } from '../../../shared/raft/types'
import { groupActions, partitionPreset, type PartitionPreset } from '../../../shared/sim/partitions'
import {
  alignTimerActions,
  healAllActions,
  spreadTimerActions,
  type NodeAction,
} from '../faults/plans'
import { useSessionStore } from './session'

/**
 * The lab's controls as intents: what the node and message menus, the fault and client panels,
 * the toolbar and the keyboard shortcuts ask for. Each one reads the live state from the
 * session store, turns the intent into cluster actions (faults/plans.ts, shared/sim/partitions.ts)
 * and sends them; anything that cannot be done right now is reported, not thrown.
 */
export const useControlsStore = defineStore('controls', () => {
  const session = useSessionStore()
  /** Numbers the commands the lab makes up ("cmd 1", "cmd 2", …). */
  const commandCount = ref(0)

  const nodes = () => session.latest?.nodes ?? []
  const leader = () => session.latest?.leader ?? null

  async function applyPlan(actions: readonly ClusterAction[], nothing: string): Promise<void> {
    if (actions.length === 0) {
      session.report(nothing)
      return
    }
    await session.applyAll(actions)
  }

  function nextCommand(): string {
    commandCount.value++
    return `cmd ${commandCount.value}`
  }

  /** A plain client command to the leader (or to `node`), listed in the client panel. */
  async function submitCommand(node: NodeId | 'leader' = 'leader'): Promise<void> {
    await session.clientRequest({ kind: 'command', command: nextCommand(), node })
  }

  async function runNodeAction(item: NodeAction, node: NodeId): Promise<void> {
    if (item.action === null) await submitCommand(node)
    else await session.apply(item.action)
  }

  async function preset(name: PartitionPreset): Promise<void> {
    const plan = partitionPreset(name, {
      nodes: nodes().map((node) => node.id),
      leader: leader(),
    })
    if (!plan.ok) session.report(plan.reason)
    else await session.applyAll(plan.actions)
  }

  const isolateLeader = () => preset('isolate-leader')

  /** Put the nodes into exactly these groups (one group: heal the partition). */
  const partition = (groups: readonly (readonly NodeId[])[]) =>
    session.applyAll(groupActions(groups))

  const healAll = () =>
    applyPlan(
      healAllActions(
        nodes(),
        session.latest?.faults ?? { disconnected: [], partition: [], cuts: [] },
        session.latest?.links ?? null,
        session.info?.config ?? null,
      ),
      'nothing to heal: no faults right now',
    )

  const timing = () => session.info?.config.timing ?? DEFAULT_TIMING

  const spreadTimers = () =>
    applyPlan(spreadTimerActions(nodes(), timing()), 'no follower has an election timer to spread')

  const alignTimers = () =>
    applyPlan(alignTimerActions(nodes()), 'no follower has an election timer to align')

  /** Manual stepping on a message in flight (its pending event number). */
  const deliverMessage = (event: number) => session.apply({ type: 'deliver', event })
  const dropMessage = (event: number) => session.apply({ type: 'drop', event })
  const duplicateMessage = (event: number) => session.apply({ type: 'duplicate', event })

  return {
    submitCommand,
    runNodeAction,
    preset,
    isolateLeader,
    partition,
    healAll,
    spreadTimers,
    alignTimers,
    deliverMessage,
    dropMessage,
    duplicateMessage,
  }
})
