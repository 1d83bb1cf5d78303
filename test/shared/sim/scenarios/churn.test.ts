import { describe, expect, it } from 'vitest'
import type { Lab } from './lab'
import { ELECTION_TIMEOUT, makeLab, SEEDS } from './lab'

/**
 * A client of the churn scenario: offers a value to every running node (as the lab's client
 * does), watches the indexes where leaders accepted it, records it once it commits at one of
 * them, gives up after a second, and moves on. Several run side by side in virtual time.
 */
class ChurnClient {
  readonly committed: number[] = []
  private pending: { indexes: number[]; value: number; since: number } | null = null

  constructor(private readonly lab: Lab) {}

  tick(): void {
    const { h } = this.lab
    if (this.pending !== null) {
      const { indexes, value, since } = this.pending
      const outcomes = indexes.map((index) => h.nCommitted(index))
      if (outcomes.some((o) => o.count > 0 && o.command === value)) {
        this.committed.push(value)
        this.pending = null
      } else if (outcomes.every((o) => o.count > 0) || h.now - since > 1000) {
        this.pending = null // another value won every index it was offered at, or time is up
      }
      return
    }
    const value = this.lab.randomCommand()
    const indexes: number[] = []
    for (const id of h.nodes) {
      if (h.cluster.status(id) !== 'up') continue
      const r = h.start(id, value)
      if (r.isLeader) indexes.push(r.index)
    }
    if (indexes.length > 0) this.pending = { indexes, value, since: h.now }
  }
}

function churn(seed: number, unreliable: boolean): void {
  const lab = makeLab(5, seed, unreliable ? 'unreliable' : 'reliable')
  const { h, random, randomNode } = lab
  h.one(lab.randomCommand(), 5, true)
  const clients = [new ChurnClient(lab), new ChurnClient(lab), new ChurnClient(lab)]
  const runWithClients = (ms: number): void => {
    for (let t = 0; t < ms; t += 10) {
      for (const client of clients) client.tick()
      h.runFor(10)
    }
  }
  for (let iteration = 0; iteration < 20; iteration++) {
    if (random.int(0, 999) < 200) h.disconnect(randomNode())
    if (random.int(0, 999) < 500) {
      const id = randomNode()
      if (h.cluster.status(id) === 'crashed') h.restart(id)
      h.connect(id)
    }
    if (random.int(0, 999) < 200) h.crash(randomNode())
    runWithClients((ELECTION_TIMEOUT * 7) / 10)
  }
  runWithClients(ELECTION_TIMEOUT)
  h.setNetwork('reliable')
  for (const id of h.nodes) {
    if (h.cluster.status(id) === 'crashed') h.restart(id)
    h.connect(id)
  }
  h.runFor(ELECTION_TIMEOUT)
  const lastIndex = h.one(lab.randomCommand(), 5, true)
  const really = new Set<unknown>()
  for (let index = 1; index <= lastIndex; index++) really.add(h.wait(index, 5))
  const acknowledged = clients.flatMap((c) => c.committed)
  expect(acknowledged.length).toBeGreaterThan(0)
  for (const value of acknowledged)
    expect(really.has(value), `acknowledged value ${value} was lost`).toBe(true)
}

describe.each(SEEDS)('lab 2C: churn (seed %i)', (seed) => {
  it('reliable churn: every value a client saw committed survives crashes and disconnections', () => {
    churn(seed, false)
  })

  it('unreliable churn: the same over a lossy network', () => {
    churn(seed, true)
  })
})
