import { describe, expect, it } from 'vitest'
import {
  clampToRange,
  fitRange,
  MAX_MS_PER_PX,
  MIN_MS_PER_PX,
  panBy,
  reveal,
  tickLabel,
  tickStep,
  tOf,
  xOf,
  zoomAt,
} from '../../../src/renderer/src/timeline/viewport'

describe('the timeline viewport', () => {
  it('zooms around the pointer: the time under it stays put', () => {
    const view = { t0: 1000, msPerPx: 2 }
    const zoomed = zoomAt(view, 4, 300)
    expect(zoomed.msPerPx).toBe(0.5)
    expect(tOf(zoomed, 300)).toBeCloseTo(tOf(view, 300), 9)
  })

  it('stops zooming at a microsecond per pixel and an hour per thousand pixels', () => {
    expect(zoomAt({ t0: 0, msPerPx: 0.002 }, 100, 0).msPerPx).toBe(MIN_MS_PER_PX)
    expect(zoomAt({ t0: 0, msPerPx: 3000 }, 0.01, 0).msPerPx).toBe(MAX_MS_PER_PX)
  })

  it('pans by pixels and maps time to x and back', () => {
    const view = panBy({ t0: 0, msPerPx: 3 }, 10)
    expect(view.t0).toBe(30)
    expect(xOf(view, tOf(view, 123))).toBeCloseTo(123, 9)
  })

  it('fits a range, keeps a panned view near the run, and reveals a moving cursor', () => {
    const fit = fitRange(0, 10_000, 1000)
    expect(tOf(fit, 0)).toBeLessThan(0)
    expect(tOf(fit, 1000)).toBeGreaterThan(10_000)
    const far = clampToRange({ t0: 1e6, msPerPx: 1 }, 0, 10_000, 1000)
    expect(far.t0).toBeLessThan(10_000)
    const view = { t0: 0, msPerPx: 1 }
    expect(reveal(view, 500, 1000)).toBe(view)
    expect(xOf(reveal(view, 2000, 1000), 2000)).toBeLessThan(100)
    // Paging forward stops where the run's end meets the right edge.
    const paged = reveal(view, 1000, 1000, 24, 1100)
    expect(xOf(paged, 1100)).toBeCloseTo(1000 - 24, 6)
    expect(xOf(paged, 1000)).toBeLessThan(1000 - 24)
  })

  it('puts ticks 1, 2 or 5 powers of ten apart and labels them in ms, s or min', () => {
    expect(tickStep(1, 90)).toBe(100)
    expect(tickStep(0.3, 90)).toBe(50)
    expect(tickStep(0.001, 90)).toBe(0.1)
    expect(tickLabel(340, 10)).toBe('340 ms')
    expect(tickLabel(1250, 50)).toBe('1.25 s')
    expect(tickLabel(1200, 100)).toBe('1.2 s')
    expect(tickLabel(12_000, 2000)).toBe('12 s')
    expect(tickLabel(150_000, 60_000)).toBe('2 min 30 s')
    expect(tickLabel(0.05, 0.01)).toBe('0.05 ms')
  })
})
