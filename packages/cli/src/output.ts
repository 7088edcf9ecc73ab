import type { HejieEvent, Money } from '@hejie/sdk'
import stringWidth from 'string-width'
import { eventTypes } from './event-types.js'

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

const shanghaiSeconds = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

/** A moment as read in Asia/Shanghai, to the second: `2026-11-28 16:00:05`. */
export function shanghaiClock(when: Date | string): string {
  return shanghaiSeconds.format(new Date(when))
}

const typeWidth = Math.max(...Object.keys(eventTypes).map((type) => type.length))

/** What an event is about, in a few words: `dsp_… in_progress`, `rfd_… ¥27.00 for dsp_…`. */
function subject(event: HejieEvent): string {
  switch (event.type) {
    case 'settlement.confirmed':
    case 'settlement.rejected': {
      const { id, dispute_id, consumer_confirmation } = event.data.object
      return `${id} for ${dispute_id} ${consumer_confirmation?.rating ?? ''}`.trimEnd()
    }
    case 'confirmation.requested': {
      const { id, dispute_id, expires_at } = event.data.object
      return `${id} for ${dispute_id} until ${shanghaiClock(expires_at)}`
    }
    case 'settlement.recorded':
    case 'refund.recorded': {
      const { id, amount, dispute_id } = event.data.object
      return `${id} ${money(amount)} for ${dispute_id}`
    }
    case 'ping':
    case 'webhook_endpoint.disabled': {
      const { id, url } = event.data.object
      return [id, url].filter((part) => typeof part === 'string').join(' ')
    }
    case 'risk_signal.raised': {
      const { id, kind, value } = event.data.object
      return `${id} ${kind} ${value}`
    }
    default: {
      const dispute = event.data.object
      return `${dispute.id} ${dispute.status}${dispute.overdue ? ' overdue' : ''}`
    }
  }
}

/**
 * One line for an event, read in Asia/Shanghai with seconds:
 * `2026-11-28 16:00:05  dispute.assigned              evt_…  dsp_… assigned`.
 */
export function eventLine(event: HejieEvent): string {
  return `${eventPrefix(event, event.created_at)}  ${subject(event)}`
}

/** The time, type and id columns of an event's line, at `when`. */
export function eventPrefix(event: HejieEvent, when: Date | string): string {
  return `${shanghaiClock(when)}  ${event.type.padEnd(typeWidth)}  ${event.id}`
}
