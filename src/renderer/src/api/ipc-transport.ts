import type { ApiCommandName } from '../../../shared/api/names'
import type { LabTransport } from './transport'

type Bridge = Readonly<Record<string, unknown>>

/** The desktop app's transport: the functions the preload exposed as window.raftlab. */
export function ipcTransport(bridge: Bridge): LabTransport {
  const fn = (name: string) => {
    const value = bridge[name]
    if (typeof value !== 'function') throw new Error(`the preload does not expose ${name}`)
    return value as (payload: unknown) => unknown
  }
  return {
    invoke: async (name: ApiCommandName, request) => fn(name)(request),
    onBatch: (listener) => fn('onBatch')(listener) as () => void,
    onMenu: (listener) => fn('onMenu')(listener) as () => void,
  }
}
