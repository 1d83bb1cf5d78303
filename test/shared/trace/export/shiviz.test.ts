import { describe, expect, it } from 'vitest'
import {
  encodeShiViz,
  NEMESIS_HOST,
  SHIVIZ_REGEX,
} from '../../../../src/shared/trace/export/shiviz'
import { recordScenario, withFinding } from './fixtures'

// ShiViz's input: the parser regex on the first line, the multiple-executions delimiter on the
// second (empty: one execution), then the log. ShiViz matches the regex (named groups host,
// clock, event) repeatedly over the log, parses each clock as JSON, and requires (see its
// ModelGraph): each host's own entry counts 1, 2, 3 … over that host's events; every entry in a
// clock names an existing event of that host.

interface LoggedEvent {
  readonly line: number
  readonly host: string
  readonly clock: Readonly<Record<string, number>>
  readonly text: string
}

function parseShiViz(log: string): { regex: string; delimiter: string; events: LoggedEvent[] } {
  const lines = log.split('\n')
  const [regex, delimiter] = lines
  const body = lines.slice(2).join('\n')
  // ShiViz compiles the regex with the "m" flag and execs it repeatedly over the log.
  const parser = new RegExp(regex!, 'gm')
  const events: LoggedEvent[] = []
  let consumed = 0
  let gaps = 0
  for (const match of body.matchAll(parser)) {
    // Nothing but line breaks between two matches: every line belongs to an event.
    if (body.slice(consumed, match.index).trim() !== '') gaps++
    consumed = match.index + match[0].length
    events.push({
      line: events.length,
      host: match.groups!.host!,
      clock: JSON.parse(match.groups!.clock!) as Record<string, number>,
      text: match.groups!.event!,
    })
  }
  expect(gaps).toBe(0)
  expect(body.slice(consumed).trim()).toBe('')
  return { regex: regex!, delimiter: delimiter!, events }
}

function dominates(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
): boolean {
  return Object.entries(b).every(([host, count]) => (a[host] ?? 0) >= count)
}

const source = recordScenario('leader-crash', { seed: 4, duration: 7_000 })
const log = encodeShiViz(source)
const { regex, delimiter, events } = parseShiViz(log)

describe('ShiViz export', { timeout: 30_000 }, () => {
  it('starts with the parser regex and an empty delimiter line, then two lines per event', () => {
    expect(regex).toBe(SHIVIZ_REGEX)
    expect(regex).toBe('(?<host>\\S*) (?<clock>{.*})\\n(?<event>.*)')
    expect(delimiter).toBe('')
    expect(log.endsWith('\n')).toBe(true)
    expect(events.length).toBe((log.trimEnd().split('\n').length - 2) / 2)
    expect(events.length).toBeGreaterThan(1000)
    expect(new Set(events.map((e) => e.host))).toEqual(
      new Set(['node1', 'node2', 'node3', 'node4', 'node5', 'client', 'nemesis']),
    )
  })

  it("counts each host's own clock entry 1, 2, 3 … and keeps every host's clock monotone", () => {
    const last = new Map<string, Readonly<Record<string, number>>>()
    const bad: LoggedEvent[] = []
    for (const event of events) {
      const previous = last.get(event.host) ?? {}
      if (
        event.clock[event.host] !== (previous[event.host] ?? 0) + 1 ||
        !dominates(event.clock, previous)
      )
        bad.push(event)
      last.set(event.host, event.clock)
    }
    expect(bad).toEqual([])
  })

  it('only names events that exist, with positive counts', () => {
    const counts = new Map<string, number>()
    for (const event of events) counts.set(event.host, (counts.get(event.host) ?? 0) + 1)
    const bad = events.filter((event) =>
      Object.entries(event.clock).some(
        ([host, count]) => !Number.isInteger(count) || count < 1 || count > (counts.get(host) ?? 0),
      ),
    )
    expect(bad).toEqual([])
  })

  it("gives every receive a clock that dominates its send's, and only sends it knows of", () => {
    const sends = new Map<string, LoggedEvent>()
    let receives = 0
    const bad: LoggedEvent[] = []
    for (const event of events) {
      const send = /^t=\S+ send .* #(\d+)/.exec(event.text)
      if (send) sends.set(send[1]!, event)
      const recv = /^t=\S+ recv #(\d+)/.exec(event.text)
      if (recv) {
        const origin = sends.get(recv[1]!)
        if (
          origin === undefined ||
          !dominates(event.clock, origin.clock) ||
          event.clock[event.host]! <= (origin.clock[event.host] ?? 0)
        )
          bad.push(event)
        receives++
      }
    }
    expect(bad).toEqual([])
    expect(receives).toBe(source.events.filter((e) => e.kind === 'deliver').length)
  })

  it('draws a fault as a message from the nemesis to the node it hits', () => {
    const crash = events.findIndex((e) => e.host === NEMESIS_HOST && /crash node \d/.test(e.text))
    const nemesis = events[crash]!
    const node = `node${/crash node (\d+)/.exec(nemesis.text)![1]}`
    const hit = events[crash + 1]!
    expect(hit.host).toBe(node)
    expect(hit.text).toMatch(/crash \(by the nemesis\)$/)
    expect(dominates(hit.clock, nemesis.clock)).toBe(true)
  })

  it('marks messages that were never delivered', () => {
    const lossy = encodeShiViz(recordScenario('unreliable', { seed: 1, duration: 2_000 }))
    expect(lossy).toMatch(/send .* #\d+ \[dropped: lost\]/)
  })

  it('logs a checker finding on every node it names, clocks still valid', () => {
    const found = parseShiViz(
      encodeShiViz(withFinding(recordScenario('steady', { duration: 500 }))),
    )
    const marks = found.events.filter((e) => e.text.includes('FINDING election-safety'))
    expect(marks.map((e) => e.host)).toEqual(['node1', 'node2'])
  })

  it('is deterministic', () => {
    expect(encodeShiViz(recordScenario('leader-crash', { seed: 4, duration: 7_000 }))).toBe(log)
  })
})
