import type { Money } from '@hejie/sdk'
import stringWidth from 'string-width'

/**
 * Columns separated by two spaces, padded by display width so that Chinese text (two
 * columns a character in a terminal) lines up with the rest.
 */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(stringWidth(title), ...rows.map((row) => stringWidth(row[column] ?? ''))),
  )
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - stringWidth(cell)))
      .join('  ')
      .trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

/** Label-value lines, the labels padded to one width. */
export function fields(pairs: [label: string, value: string | undefined][]): string {
  const shown = pairs.filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1] !== '')
  const width = Math.max(...shown.map(([label]) => stringWidth(label)))
  return shown
    .map(([label, value]) => `${label}${' '.repeat(width - stringWidth(label))}  ${value}`)
    .join('\n')
}

/** `¥27.00` from `{ amount: 2700, currency: 'CNY' }`: fen to yuan without floating point. */
export function money(value: Money | null | undefined): string {
  if (!value) return ''
  const yuan = Math.floor(value.amount / 100)
  const fen = String(value.amount % 100).padStart(2, '0')
  return `${value.currency === 'CNY' ? '¥' : `${value.currency} `}${yuan}.${fen}`
}

const shanghai = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
})

/** A time as read in Asia/Shanghai, where deadlines are counted: `2026-12-12 23:59`. */
export function shanghaiTime(iso: string | null | undefined): string {
  return iso ? shanghai.format(new Date(iso)) : ''
}
