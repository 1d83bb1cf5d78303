import type { ApiCommandName } from '../../../shared/api/names'

/**
 * How the page reaches the host: Electron IPC through the preload, or a Web Worker. A transport
 * only carries payloads; the client (client.ts) checks everything that comes back.
 */
export interface LabTransport {
  invoke(name: ApiCommandName, request: unknown): Promise<unknown>
  onBatch(listener: (payload: unknown) => void): () => void
  onMenu(listener: (payload: unknown) => void): () => void
}
