/**
 * Deep equality of JSON-like values (what commands, messages, events and checkpoints are made
 * of): same primitives, arrays of equal items, objects with the same keys (in any order) and
 * equal values. `undefined` properties count as absent.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // NaN never appears in a trace, but equal NaNs should not make a replay diverge.
    return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)
  }
  const aArray = Array.isArray(a)
  if (aArray !== Array.isArray(b)) return false
  if (aArray) {
    const x = a as unknown[]
    const y = b as unknown[]
    if (x.length !== y.length) return false
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i])) return false
    return true
  }
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  let count = 0
  for (const key in x) {
    if (!Object.hasOwn(x, key) || x[key] === undefined) continue
    count++
    if (!Object.hasOwn(y, key) || !jsonEqual(x[key], y[key])) return false
  }
  for (const key in y) if (Object.hasOwn(y, key) && y[key] !== undefined) count--
  return count === 0
}
