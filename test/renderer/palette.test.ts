import { describe, expect, it } from 'vitest'
import { TERM_PALETTE, termColor, termTextColor } from '../../src/renderer/src/theme/palette'

type Rgb = readonly [number, number, number]

/** sRGB hex to linear RGB, 0 to 1. */
function linear(hex: string): Rgb {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return [channel(0), channel(1), channel(2)]
}

/** Full-severity colour-vision deficiencies (Machado, Oliveira and Fernandes, 2009). */
const DEFICIENCIES: Record<string, readonly Rgb[]> = {
  'normal vision': [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
}

function simulate(matrix: readonly Rgb[], rgb: Rgb): Rgb {
  const row = (r: Rgb) => Math.min(1, Math.max(0, r[0] * rgb[0] + r[1] * rgb[1] + r[2] * rgb[2]))
  return [row(matrix[0]!), row(matrix[1]!), row(matrix[2]!)]
}

/** CIE L*a*b* (D65) of a linear RGB colour. */
function lab([r, g, b]: Rgb): Rgb {
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116)
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))]
}

/** CIE76 colour difference: above ~10, two swatches are plainly different. */
const deltaE = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])

function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = linear(hex)
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi! + 0.05) / (lo! + 0.05)
}

describe('the term palette', () => {
  it.each(Object.entries(DEFICIENCIES))(
    'keeps consecutive terms apart under %s (ΔE ≥ 30, the wrap from term 8 to 9 included)',
    (_name, matrix) => {
      for (let term = 1; term <= TERM_PALETTE.length; term++) {
        const here = lab(simulate(matrix, linear(termColor(term))))
        const next = lab(simulate(matrix, linear(termColor(term + 1))))
        expect(deltaE(here, next), `terms ${term} and ${term + 1}`).toBeGreaterThanOrEqual(30)
      }
    },
  )

  it('writes every term number with at least 4.5:1 contrast on its colour', () => {
    for (let term = 1; term <= TERM_PALETTE.length; term++) {
      expect(contrast(termColor(term), termTextColor(term))).toBeGreaterThanOrEqual(4.5)
    }
  })

  it('repeats after eight terms and leaves term 0 to the theme', () => {
    expect(termColor(9)).toBe(termColor(1))
    expect(termColor(0)).toMatch(/^var\(--term-none/)
  })
})
