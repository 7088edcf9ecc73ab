/**
 * Masking of a consumer's personal information (PIPL art. 6 and 51) for an enterprise that
 * no longer needs it in full: once a dispute is closed the enterprise sees `138****1234` and
 * `张*`, enough to recognise its own case, not enough to call or identify the consumer.
 *
 * Strings are handled by code point, so a name in a rare character outside the Basic
 * Multilingual Plane (e.g. 𠮷) is never cut in half. Non-empty input never comes back
 * unchanged: a value too short to keep part of is masked whole.
 */

export interface ConsumerContact {
  name: string
  phone: string
}

const MASK = '*'

/**
 * `13812341234` → `138****1234`: the carrier prefix and the last four digits stay, as on
 * Chinese bills and apps. Any number of 8 characters or more keeps its first 3 and last 4;
 * a shorter one keeps only its last 2.
 */
export function maskPhone(phone: string): string {
  const characters = Array.from(phone.trim())
  if (characters.length >= 8) return keep(characters, 3, 4)
  if (characters.length > 2) return keep(characters, 0, 2)
  return MASK.repeat(characters.length)
}

/** `张三` → `张*`, `欧阳小明` → `欧***`, `Li Wei` → `L*****`: only the first character stays. */
export function maskName(name: string): string {
  const characters = Array.from(name.trim())
  if (characters.length > 1) return keep(characters, 1, 0)
  return MASK.repeat(characters.length)
}

/** The consumer as a closed dispute shows them to its enterprise. */
export function maskConsumer(consumer: ConsumerContact): ConsumerContact {
  return { name: maskName(consumer.name), phone: maskPhone(consumer.phone) }
}

function keep(characters: string[], head: number, tail: number): string {
  const hidden = characters.length - head - tail
  return [
    ...characters.slice(0, head),
    MASK.repeat(hidden),
    ...characters.slice(characters.length - tail),
  ].join('')
}
