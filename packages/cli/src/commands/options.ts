import { InvalidArgumentError } from 'commander'
import { t } from '../i18n/index.js'

/** A poll interval in seconds (decimals allowed), from a tenth of a second to an hour. */
export function seconds(value: string): number {
  const number = Number(value)
  if (!Number.isFinite(number) || number < 0.1 || number > 3600)
    throw new InvalidArgumentError(t('options.seconds'))
  return number
}

const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 }

/** A duration, in seconds: `30s`, `5m`, `1h`, `500ms`, or a bare number of seconds; from 0.1 s to a day. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim())
  const number = match ? Number(match[1]) * (units[match[2] ?? 's'] ?? 1) : Number.NaN
  if (!Number.isFinite(number) || number < 0.1 || number > 86_400)
    throw new InvalidArgumentError(t('options.duration'))
  return number
}

/**
 * The parser of a flag that takes several values: repeated (`--status a --status b`),
 * separated with commas (`--status a,b`), or both. With `choices`, a value outside them is a
 * usage error that lists them, as Commander's own `.choices()` does.
 */
export function several<T extends string = string>(choices?: readonly T[]) {
  return (value: string, previous: T[] | undefined): T[] => {
    const values = value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)
    if (values.length === 0) throw new InvalidArgumentError(t('options.value'))
    if (choices) {
      const unknown = values.filter((item) => !(choices as readonly string[]).includes(item))
      if (unknown.length > 0) {
        throw new InvalidArgumentError(t('options.choices', { choices: choices.join(', ') }))
      }
    }
    return [...(previous ?? []), ...(values as T[])]
  }
}
