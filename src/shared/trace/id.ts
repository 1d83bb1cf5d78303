import { writeTraceText } from './codec'
import type { Trace } from './types'

/**
 * A trace's content id: a 64-bit hash (two 32-bit FNV-1a-style lanes, finished with murmur3's
 * avalanche) of its encoded text, as 16 hex digits. The encoding is canonical, so equal traces
 * get equal ids, wherever and however often they were written.
 */
export function traceId(trace: Trace): string {
  const hasher = new TraceIdHasher()
  writeTraceText(trace, (chunk) => hasher.update(chunk))
  return hasher.digest()
}

/**
 * traceId over a trace file's text handed in pieces (any split: the hash runs character by
 * character), for a copy of a trace kept as text, such as the trace library's chunks.
 */
export class TraceIdHasher {
  private h1 = 0x811c9dc5
  private h2 = 0x9747b28c

  update(text: string): void {
    let h1 = this.h1
    let h2 = this.h2
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      h1 = Math.imul(h1 ^ c, 0x01000193)
      h2 = Math.imul(h2 ^ c, 0x5bd1e995)
    }
    this.h1 = h1
    this.h2 = h2
  }

  digest(): string {
    const { h1, h2 } = this
    return hex(avalanche(h1 ^ Math.imul(h2, 0x27d4eb2d))) + hex(avalanche(h2 ^ h1))
  }
}

function avalanche(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0')
}
