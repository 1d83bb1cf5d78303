import { describe, expect, it } from 'vitest'
import {
  API_COMMAND_NAMES,
  apiCommands,
  isApiCommandName,
  labBatchSchema,
  labCommands,
  menuIntentSchema,
  LAB_COMMAND_NAMES,
  resultSchema,
  SHELL_COMMAND_NAMES,
  shellCommands,
} from '../../../src/shared/api'
import { LabHost } from '../../../src/shared/host/lab-host'
import { FakeClock } from '../host/fake-clock'

function hostAt(t: number): LabHost {
  const clock = new FakeClock()
  const host = new LabHost({ clock, timer: clock, onBatch: () => {}, running: false })
  host.runTo(t)
  return host
}

describe('the api contract', () => {
  it('names each command once, host and shell together', () => {
    expect(new Set(API_COMMAND_NAMES).size).toBe(API_COMMAND_NAMES.length)
    expect(API_COMMAND_NAMES).toContain('step')
    expect(API_COMMAND_NAMES).toContain('saveTraceFile')
    expect(isApiCommandName('toString')).toBe(false)
    expect(isApiCommandName('__proto__')).toBe(false)
  })

  it('accepts a real batch from a running cluster', () => {
    const host = hostAt(3000)
    host.apply({ type: 'partition', groups: [[1, 2]] })
    const { batch, info } = host.snapshot()
    expect(labBatchSchema.safeParse(batch).success).toBe(true)
    expect(labCommands.snapshot.reply.safeParse({ info, batch }).success).toBe(true)
  })

  it('rejects a batch with an event that lacks its seq, time or kind', () => {
    const { batch } = hostAt(1000).snapshot()
    for (const event of [
      { t: 1, kind: 'send' },
      { seq: 1, kind: 'send' },
      { seq: 1, t: 2 },
      null,
    ]) {
      expect(labBatchSchema.safeParse({ ...batch, events: [event] }).success).toBe(false)
    }
    expect(
      labBatchSchema.safeParse({ ...batch, events: [{ seq: 1, t: 2, kind: 'finding' }] }).success,
    ).toBe(true)
  })

  it('rejects a batch with a malformed node', () => {
    const { batch } = hostAt(1000).snapshot()
    const bad = { ...batch, nodes: [{ ...batch.nodes[0], role: 'king' }] }
    expect(labBatchSchema.safeParse(bad).success).toBe(false)
  })

  it.each([
    ['setSpeed', { speed: 0 }],
    ['setSpeed', { speed: 101 }],
    ['setSpeed', { speed: '2' }],
    ['runTo', { t: -1 }],
    ['runTo', { t: Number.POSITIVE_INFINITY }],
    ['apply', { action: { type: 'crash', node: 99 } }],
    ['apply', { action: { type: 'format-disk', node: 1 } }],
    ['apply', { action: { type: 'crash', node: 1, extra: true } }],
    ['createSession', { config: { nodes: 0 } }],
    ['createSession', { config: { evil: true } }],
    ['traceSlice', { from: 10, to: 5 }],
    ['play', { unexpected: 1 }],
  ] as const)('rejects a bad %s request: %j', (name, payload) => {
    expect(apiCommands[name].request.safeParse(payload).success).toBe(false)
  })

  it('checks results and menu intents as values', () => {
    const schema = resultSchema(labCommands.play.reply)
    expect(schema.safeParse({ ok: true, value: { running: true, speed: 1 } }).success).toBe(true)
    expect(schema.safeParse({ ok: false, error: { message: 'no' } }).success).toBe(true)
    expect(schema.safeParse({ ok: false }).success).toBe(false)
    expect(menuIntentSchema.safeParse({ intent: 'toggle-panel', panel: 'logs' }).success).toBe(true)
    expect(menuIntentSchema.safeParse({ intent: 'toggle-panel', panel: 'x' }).success).toBe(false)
  })
})

describe('command names', () => {
  it('name exactly the commands that have schemas, in both tables', () => {
    expect(Object.keys(labCommands)).toEqual([...LAB_COMMAND_NAMES])
    expect(Object.keys(shellCommands)).toEqual([...SHELL_COMMAND_NAMES])
  })
})
