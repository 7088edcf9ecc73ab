/**
 * A bundle's bytes as a browser has them: a `ReadableStream` (`File.stream()`, a fetch
 * response's body) or any async iterable of chunks. Streams are read through their reader,
 * since not every browser can iterate a ReadableStream with `for await`.
 */
export type WebBundleSource = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>

export async function* chunksOf(source: WebBundleSource): AsyncGenerator<Uint8Array | string> {
  if (!('getReader' in source)) {
    yield* source
    return
  }
  const reader = source.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}
