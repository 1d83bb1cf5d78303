import { onBeforeUnmount, onMounted } from 'vue'
import { useControlsStore } from '../stores/controls'
import { useNarrationStore } from '../stores/narration'
import { usePlaybackStore } from '../stores/playback'
import { useSessionStore } from '../stores/session'
import { useUiStore } from '../stores/ui'

export interface Shortcut {
  readonly keys: readonly string[]
  readonly label: string
  readonly description: string
}

/** Every keyboard shortcut, as the help dialog lists them. */
export const SHORTCUTS: readonly Shortcut[] = [
  { keys: [' '], label: 'Space', description: 'Play or pause' },
  { keys: ['ArrowRight'], label: '→', description: 'Step one event (pauses)' },
  { keys: ['+', '='], label: '+', description: 'Faster' },
  { keys: ['-', '_'], label: '−', description: 'Slower' },
  { keys: ['c', 'C'], label: 'C', description: 'Send a client command to the leader' },
  { keys: ['k', 'K'], label: 'K', description: 'Crash the leader' },
  { keys: ['r', 'R'], label: 'R', description: 'Restart crashed nodes' },
  { keys: ['p', 'P'], label: 'P', description: 'Isolate the leader (partition it off)' },
  {
    keys: ['h', 'H'],
    label: 'H',
    description: 'Heal everything: network, links, paused and crashed nodes, clocks',
  },
  { keys: ['t', 'T'], label: 'T', description: 'Spread election timers (one clear winner)' },
  {
    keys: ['a', 'A'],
    label: 'A',
    description: 'Align election timers (a split vote, once there is no leader)',
  },
  { keys: ['f', 'F'], label: 'F', description: 'Fork: continue live from the timeline cursor' },
  { keys: ['n', 'N'], label: 'N', description: 'New cluster…' },
  { keys: ['s', 'S'], label: 'S', description: 'Scenarios: lessons, bug demos, drills, files…' },
  { keys: ['PageDown'], label: 'Page Down', description: 'Scenario: next step' },
  { keys: ['PageUp'], label: 'Page Up', description: 'Scenario: back to the previous step' },
  { keys: ['?'], label: '?', description: 'Show keyboard shortcuts' },
]

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLSelectElement ||
    target instanceof HTMLTextAreaElement
  )
}

/** The lab's keyboard shortcuts, on the whole window. */
export function useShortcuts(): void {
  const session = useSessionStore()
  const ui = useUiStore()
  const controls = useControlsStore()
  const playback = usePlaybackStore()
  const narration = useNarrationStore()
  const actions: Record<string, () => unknown> = {
    // A replay or the scrubbed past plays in the page; else the live session.
    ' ': () => playback.toggle(),
    ArrowRight: () => session.step(),
    '+': () => session.faster(),
    '-': () => session.slower(),
    c: () => controls.submitCommand('leader'),
    k: () => session.crashLeader(),
    r: () => session.restartCrashed(),
    p: () => controls.isolateLeader(),
    h: () => controls.healAll(),
    t: () => controls.spreadTimers(),
    a: () => controls.alignTimers(),
    f: () => playback.fork(),
    n: () => (ui.newClusterOpen = true),
    s: () => (narration.pickerOpen = true),
    PageDown: () => narration.next(),
    PageUp: () => narration.back(),
    '?': () => (ui.shortcutsOpen = true),
  }
  const byKey = new Map<string, () => unknown>()
  for (const shortcut of SHORTCUTS) {
    const action = actions[shortcut.keys[0]!.toLowerCase()] ?? actions[shortcut.keys[0]!]
    if (action !== undefined) for (const key of shortcut.keys) byKey.set(key, action)
  }

  const onKey = (event: KeyboardEvent): void => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return
    if (typingInto(event.target)) return
    if (ui.shortcutsOpen || ui.newClusterOpen || narration.pickerOpen) return
    // Space and Enter on a button press the button, not the shortcut.
    if ((event.key === ' ' || event.key === 'Enter') && event.target instanceof HTMLButtonElement)
      return
    const action = byKey.get(event.key)
    if (action === undefined) return
    event.preventDefault()
    void action()
  }
  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
}
