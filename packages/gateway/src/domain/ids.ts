import { randomFillSync } from 'node:crypto'
import { monotonicFactory } from 'ulid'

/** The type prefixes of the API's opaque ids. */
export type IdPrefix =
  | 'jur'
  | 'ent'
  | 'cli'
  | 'dsp'
  | 'stl'
  | 'rfd'
  | 'ctc'
  | 'fbk'
  | 'evt'
  | 'whe'
  | 'whd'
  | 'key'
  | 'hnu'
  | 'rtr'
  | 'med'
  | 'rsk'
  | 'cfr'
  | 'fil'

/**
 * Uniform numbers in [0, 1) from the system's CSPRNG, a byte each, drawn 4 KiB at a time: the
 * ulid package's own source asks the CSPRNG for one byte per character, sixteen calls an id,
 * and a write makes several ids.
 */
function bufferedRandom(): () => number {
  const bytes = new Uint8Array(4096)
  let next = bytes.length
  return () => {
    if (next === bytes.length) {
      randomFillSync(bytes)
      next = 0
    }
    const byte = bytes[next] as number
    next += 1
    return byte / 256
  }
}

// Monotonic: ids made in the same millisecond still sort in creation order.
const nextUlid = monotonicFactory(bufferedRandom())

/** `dsp_01jd…`: a type prefix and a sortable random part (a lower-case ULID). */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  return `${prefix}_${nextUlid(now).toLowerCase()}`
}
