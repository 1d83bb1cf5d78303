import { describe, expect, it } from 'vitest'
import { gunzipText } from '../../../src/renderer/src/library/compress'
import {
  LibraryWorkerClient,
  WorkerUnavailable,
  type WorkerPort,
  type WorkerReply,
  type WorkerRequest,
} from '../../../src/renderer/src/library/worker-client'

/** A worker that takes requests and answers only when told. */
function fakePort() {
  const sent: WorkerRequest[] = []
  let onMessage: (event: { data: WorkerReply }) => void = () => {}
  let onError: () => void = () => {}
  const port = {
    postMessage: (message: WorkerRequest) => sent.push(message),
    addEventListener: (type: string, listener: never) => {
      if (type === 'message') onMessage = listener
      else onError = listener
    },
  } as unknown as WorkerPort
  return {
    port,
    sent,
    reply: (data: WorkerReply) => onMessage({ data }),
    fail: () => onError(),
  }
}

const file = new File(['x'], 'run.ndjson')

describe('LibraryWorkerClient', () => {
  it('answers each request with its own reply, passing progress along', async () => {
    const worker = fakePort()
    const client = new LibraryWorkerClient(worker.port)
    const progress: string[] = []
    const imported = client.importFile(file, 'db', 1, (p) => progress.push(p.phase))
    const zipped = client.gzip('hello')
    const [importId, gzipId] = worker.sent.map((m) => m.id)
    worker.reply({ type: 'gzip', id: gzipId!, data: new Uint8Array([1]) })
    worker.reply({
      type: 'progress',
      id: importId!,
      progress: { file: 'run.ndjson', phase: 'checking', fraction: null },
    })
    worker.reply({
      type: 'imported',
      id: importId!,
      row: { id: 'a', name: 'run', eventCount: 3 },
      ms: 5,
    })
    expect(await zipped).toEqual(new Uint8Array([1]))
    expect(await imported).toEqual({ id: 'a', name: 'run', eventCount: 3, ms: 5 })
    expect(progress).toEqual(['checking'])
  })

  it('a failed import rejects with its reason', async () => {
    const worker = fakePort()
    const client = new LibraryWorkerClient(worker.port)
    const imported = client.importFile(file, 'db', 1, () => {})
    worker.reply({
      type: 'failed',
      id: worker.sent[0]!.id,
      message: 'Could not import run.ndjson: …',
    })
    await expect(imported).rejects.toThrow(/Could not import run\.ndjson/)
  })

  it('a worker that fails is not waited for: compression goes on here, imports say so', async () => {
    const worker = fakePort()
    const client = new LibraryWorkerClient(worker.port)
    const zipped = client.gzip('still compressed')
    const imported = client.importFile(file, 'db', 1, () => {})
    worker.fail()
    expect(gunzipText(await zipped)).toBe('still compressed')
    await expect(imported).rejects.toBeInstanceOf(WorkerUnavailable)
    expect(gunzipText(await client.gzip('later'))).toBe('later')
    await expect(client.importFile(file, 'db', 1, () => {})).rejects.toBeInstanceOf(
      WorkerUnavailable,
    )
    expect(worker.sent).toHaveLength(2)
  })
})
