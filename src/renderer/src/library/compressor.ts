import { gzipText } from './compress'

/** Compresses chunk texts: on the library's worker in the app, right here in tests. */
export interface Compressor {
  gzip(text: string): Promise<Uint8Array>
}

/** In the calling thread (tests, the worker itself, platforms without workers). */
export const inlineCompressor: Compressor = {
  gzip: (text) => Promise.resolve(gzipText(text)),
}

let shared: Compressor = inlineCompressor

/** The compressor the library uses (the app installs its worker's at start-up). */
export function compressor(): Compressor {
  return shared
}

export function useCompressor(next: Compressor): void {
  shared = next
}
