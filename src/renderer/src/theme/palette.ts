/**
 * Term colours. Consecutive terms must be told apart at a glance by everyone, including
 * colour-blind users, so the palette is Okabe and Ito's (designed for the common forms of
 * colour blindness), in the order that keeps neighbouring terms furthest apart under simulated
 * protanopia, deuteranopia and tritanopia (test/renderer/palette.test.ts measures it, the wrap
 * from term 8 to term 9 included). Views never rely on colour alone: every term also shows its
 * number somewhere (a label, a tooltip or the inspector). The same colours serve both themes:
 * cells carry their own text colour (termTextColor), readable on each.
 */
const OKABE_ITO = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#D55E00', // vermillion
  '#CC79A7', // reddish purple
  '#F0E442', // yellow
  '#56B4E9', // sky blue
  '#999999', // grey
] as const

/** The colour of term `term` (term 0, before any election, is neutral). */
export function termColor(term: number): string {
  if (term <= 0) return 'var(--term-none, #c9ced6)'
  return OKABE_ITO[(term - 1) % OKABE_ITO.length]!
}

/** Near-black text, for every palette colour but the blue. */
const DARK_TEXT = '#101318'

/** Text colour readable on top of termColor(term): contrast at least 4.5:1 (WCAG AA). */
export function termTextColor(term: number): string {
  if (term <= 0) return 'var(--text, #1c2230)'
  return OKABE_ITO[(term - 1) % OKABE_ITO.length] === '#0072B2' ? '#ffffff' : DARK_TEXT
}

export const TERM_PALETTE: readonly string[] = OKABE_ITO
