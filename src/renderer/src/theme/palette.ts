/**
 * Term colours. Consecutive terms must be told apart at a glance by everyone, including
 * colour-blind users, so the palette is Okabe and Ito's (designed for the common forms of
 * colour blindness), ordered so neighbouring terms differ in lightness as well as hue. Views
 * never rely on colour alone: every term also shows its number somewhere (a label, a tooltip or
 * the inspector).
 */
const OKABE_ITO = [
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#D55E00', // vermillion
  '#F0E442', // yellow
  '#999999', // grey
] as const

/** The colour of term `term` (term 0, before any election, is neutral). */
export function termColor(term: number): string {
  if (term <= 0) return 'var(--term-none, #c9ced6)'
  return OKABE_ITO[(term - 1) % OKABE_ITO.length]!
}

/** Text colour readable on top of termColor(term). */
export function termTextColor(term: number): string {
  if (term <= 0) return 'var(--text, #1c2230)'
  const dark = new Set(['#0072B2', '#009E73', '#D55E00', '#CC79A7'])
  return dark.has(OKABE_ITO[(term - 1) % OKABE_ITO.length]!) ? '#ffffff' : '#1c2230'
}

export const TERM_PALETTE: readonly string[] = OKABE_ITO
