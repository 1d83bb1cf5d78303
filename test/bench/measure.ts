import { performance } from 'node:perf_hooks'

/** Runs `body` `runs` times and returns the median wall time in ms (the machine is noisy). */
export function medianMs(runs: number, body: () => void): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    body()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

export function timeMs(body: () => void): number {
  const start = performance.now()
  body()
  return performance.now() - start
}

/** One benchmark figure, with its target when there is one. */
export interface Figure {
  readonly name: string
  readonly value: number
  readonly unit: string
  /** e.g. '>= 500000' or '<= 30000' */
  readonly target?: string
}

export function meets(figure: Figure): boolean | null {
  if (figure.target === undefined) return null
  const match = /^(>=|<=)\s*([\d.]+)$/.exec(figure.target)
  if (match === null) return null
  const bound = Number(match[2])
  return match[1] === '>=' ? figure.value >= bound : figure.value <= bound
}

export function formatNumber(value: number): string {
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US')
  return value.toFixed(value < 10 ? 2 : 1)
}
