/** One process's share of a benchmark sweep: `tsx sweep-slice.ts FROM COUNT` prints JSON. */
import { performance } from 'node:perf_hooks'
import { sweep } from '../../src/shared/check/sweep'

const from = Number(process.argv[2] ?? 1)
const count = Number(process.argv[3] ?? 10)
const start = performance.now()
const summary = sweep({}, { from, count })
const ms = performance.now() - start
console.log(
  JSON.stringify({ runs: summary.runs, clean: summary.clean, events: summary.events, ms }),
)
