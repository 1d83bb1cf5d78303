import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { encodeTraceText } from '../../../src/shared/trace'
import { traceRecordSchema } from '../../../src/shared/trace/schema'
import { recordRun } from './fixtures'
import { SCHEMA_PATH, schemaText } from './write-schema'

describe('trace JSON Schema', () => {
  it('docs/trace.schema.json is up to date (npx tsx test/shared/trace/write-schema.ts)', async () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(await schemaText())
  })

  it('describes every line the encoder writes', () => {
    const trace = recordRun({
      seed: 8,
      network: 'chaos',
      faults: true,
      duration: 2000,
      checkpointEvery: 300,
    })
    const lines = encodeTraceText(trace).trimEnd().split('\n')
    for (const [i, line] of lines.entries()) {
      const result = traceRecordSchema.safeParse(JSON.parse(line))
      expect(result.success, `line ${i + 1}: ${line.slice(0, 120)}`).toBe(true)
    }
  })
})
