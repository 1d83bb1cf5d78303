import { gunzipSync, gzipSync, strFromU8, strToU8 } from 'fflate'

/**
 * gzip for the library's chunks. Level 2: a chunk of 10,000 events (about 230 KB of text)
 * compresses in about 8 ms to within 12% of level 6's size, which takes three times as long; a
 * million-event save is mostly compression.
 */
const LEVEL = 2

export function gzipText(text: string): Uint8Array {
  return gzipSync(strToU8(text), { level: LEVEL, mtime: 0 })
}

export function gunzipText(data: Uint8Array): string {
  return strFromU8(gunzipSync(data))
}
