import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { PROPERTIES } from '../../../src/shared/check/findings'
import { NEMESIS_KINDS } from '../../../src/shared/check/nemesis'
import { BUG_NAMES } from '../../../src/shared/raft/bugs'

const doc = (name: string): string =>
  readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8')

describe('checker docs', () => {
  it('docs/bugs.md has a section and a table row for every bug switch', () => {
    const bugs = doc('bugs.md')
    for (const name of BUG_NAMES) {
      expect(bugs).toContain(`## \`${name}\``)
      expect(bugs).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'))
    }
  })

  it('docs/checkers.md lists every property a finding can name, and every nemesis family', () => {
    const checkers = doc('checkers.md')
    for (const property of Object.keys(PROPERTIES)) {
      expect(checkers).toMatch(new RegExp(`^\\| \`${property}\` +\\|`, 'm'))
    }
    for (const kind of NEMESIS_KINDS)
      expect(checkers).toMatch(new RegExp(`^\\| \`${kind}\` +\\|`, 'm'))
  })
})
