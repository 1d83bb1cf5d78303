/**
 * gzip for the library's chunks, with the platform's own CompressionStream (native code, and
 * asynchronous: a large save does not freeze the page). Chromium, Electron and Node all have it.
 */

export async function gzipText(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

export async function gunzipText(data: Uint8Array): Promise<string> {
  const bytes = data as Uint8Array<ArrayBuffer>
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))
  return new Response(stream).text()
}
