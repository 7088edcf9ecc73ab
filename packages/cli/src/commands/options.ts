import { InvalidArgumentError } from 'commander'

/** A poll interval in seconds (decimals allowed), from a tenth of a second to an hour. */
export function seconds(value: string): number {
  const number = Number(value)
  if (!Number.isFinite(number) || number < 0.1 || number > 3600)
    throw new InvalidArgumentError('expected a number of seconds from 0.1 to 3600')
  return number
}
