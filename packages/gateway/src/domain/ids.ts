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

// Monotonic: ids made in the same millisecond still sort in creation order.
const nextUlid = monotonicFactory()

/** `dsp_01jd…`: a type prefix and a sortable random part (a lower-case ULID). */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  return `${prefix}_${nextUlid(now).toLowerCase()}`
}
