// The dispute corpora of the scale and stats benchmarks: built once per schema version in a
// process of their own (lib/dispute-corpus.mjs) and cached in bench/.cache/.
import { createReadStream, existsSync } from 'node:fs'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { cachedCorpusPaths } from './dispute-corpus.mjs'
import { integer, round3 } from './stats.mjs'

const corpusParts = new URL('./dispute-corpus.mjs', import.meta.url).href

/** The options of a benchmark served from the million-dispute corpus (`stats`, `supervision`). */
export const corpusOptions = {
  size: { default: 1_000_000, min: 1_000, max: 50_000_000, description: 'disputes in the corpus' },
  enterprises: {
    default: 270,
    min: 10,
    max: 100_000,
    description: 'enterprises the disputes are spread over',
  },
}

/** 1000000 → 1M, 10000 → 10k. */
export const short = (n) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1_000 ? `${n / 1_000}k` : String(n))

/** Reads a file once, so the OS page cache holds it when measuring starts (both alike). */
export async function readThrough(path) {
  for (const file of [path, `${path}-wal`]) {
    if (!existsSync(file)) continue
    await pipeline(
      createReadStream(file, { highWaterMark: 1 << 20 }),
      new Writable({ write: (_c, _e, cb) => cb() }),
    )
  }
}

/** The corpus of `disputes` for the code as built, from bench/.cache/ or built now (and cached). */
export async function corpus(context, disputes, enterprises) {
  const paths = cachedCorpusPaths(disputes, enterprises)
  if (existsSync(paths.database) && existsSync(paths.meta)) {
    context.log(`using the cached corpus ${paths.database}`)
    return { ...paths, built: false }
  }
  context.log(
    `building a corpus of ${integer(disputes)} disputes over ${enterprises} enterprises (cached for later runs)`,
  )
  const builder = await context.service(`builder ${short(disputes)}`, corpusParts, 'startCorpusBuilder')
  try {
    const { value } = await context.measure(`build ${short(disputes)}`, () =>
      builder.call('build', { disputes, enterprises }),
    )
    context.log(`built in ${round3(value.seconds)} s`)
    return value
  } finally {
    await builder.stop()
  }
}
