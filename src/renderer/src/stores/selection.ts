import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import type { NodeId } from '../../../shared/raft/types'

/**
 * What the user last picked in any view, for the inspector and for highlighting across views:
 * a node (cluster ring, timeline lane, logs row), a message (in flight on the ring, an arrow on
 * the timeline; `id` is the message id from its send event), an event (timeline marker, event
 * feed, checker finding; `seq` is its sequence number) or a log entry (logs view).
 */
export type Selection =
  | { readonly kind: 'node'; readonly node: NodeId }
  | { readonly kind: 'message'; readonly id: number }
  | { readonly kind: 'event'; readonly seq: number }
  | { readonly kind: 'entry'; readonly node: NodeId; readonly index: number }

export const useSelectionStore = defineStore('selection', () => {
  const selected = shallowRef<Selection | null>(null)

  function select(next: Selection | null): void {
    selected.value = next
  }

  /** Select, or clear when the same thing is picked again. */
  function toggle(next: Selection): void {
    selected.value = sameSelection(selected.value, next) ? null : next
  }

  return { selected, select, toggle }
})

export function sameSelection(a: Selection | null, b: Selection | null): boolean {
  return a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b)
}
