import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

describe('docs/harness.md', () => {
  it('shows the runnable example exactly as the test suite runs it', () => {
    const doc = readFileSync(new URL('../../docs/harness.md', import.meta.url), 'utf8')
    const example = readFileSync(new URL('./harness-example.test.ts', import.meta.url), 'utf8')
    expect(doc).toContain(example.trimEnd())
  })
})
