import { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { CsvColumn, CsvLanguage } from '../schemas/csv.js'

/**
 * CSV exports (RFC 4180) for the bureau's spreadsheets: UTF-8 with a byte order mark, because
 * Excel and WPS otherwise read Chinese as the local code page; CRLF line ends; streamed as the
 * rows are read, so an export of a whole city never sits in memory.
 */

export const CSV_TYPE = 'text/csv'
export const BOM = '\uFEFF'

/** Whether the caller asked for CSV: `format=csv`, or `Accept: text/csv` without `format=json`. */
export function wantsCsv(request: FastifyRequest): boolean {
  const format = (request.query as { format?: string } | undefined)?.format
  if (format !== undefined) return format === 'csv'
  return String(request.headers.accept ?? '').includes(CSV_TYPE)
}

/** The response documented for a route that answers JSON or, when asked, CSV. */
export function jsonOrCsv(description: string, schemaId: string) {
  return {
    description,
    content: {
      'application/json': { schema: Type.Ref(schemaId) },
      [CSV_TYPE]: {
        schema: Type.String({
          description:
            "UTF-8 with a byte order mark, RFC 4180, CRLF; headers in the language of `lang`. The whole filtered set: `limit` and `cursor` do not apply. A cell that begins with `=`, `+`, `-` or `@` is prefixed with `'` so that a spreadsheet does not run it as a formula.",
        }),
      },
    },
  }
}

/** Characters that make a spreadsheet read a cell as a formula (CWE-1236). */
const FORMULA_START = /^[=+\-@]/
const NEEDS_QUOTES = /[",\r\n]/

/**
 * One cell: nothing for null, numbers as written, text guarded against formulas and quoted
 * when it holds a quote, a comma or a line break (quotes doubled).
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return ''
  if (typeof value !== 'string') return String(value)
  const text = FORMULA_START.test(value) ? `'${value}` : value
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`
}

/**
 * Characters gathered before a chunk goes to the socket: one write per line would cost a
 * stream operation and a syscall per row, which at a million rows is most of the export's
 * time; 64 Ki characters bounds what an export holds beyond the batch of rows it reads.
 */
const CHUNK_CHARACTERS = 64 * 1024

/** The BOM and the header line, then one line per row as `rows` yields it, in chunks. */
export function csvStream<T>(
  columns: readonly CsvColumn<T>[],
  lang: CsvLanguage,
  rows: AsyncIterable<T> | Iterable<T>,
): Readable {
  async function* chunks() {
    let chunk = BOM + csvLine(columns.map((column) => column[lang]))
    for await (const row of rows) {
      chunk += csvLine(columns.map((column) => column.value(row)))
      if (chunk.length >= CHUNK_CHARACTERS) {
        yield chunk
        chunk = ''
      }
    }
    if (chunk !== '') yield chunk
  }
  return Readable.from(chunks())
}

/** Sends a CSV stream as a download named `filename`. */
export function sendCsv(reply: FastifyReply, filename: string, stream: Readable): FastifyReply {
  return reply
    .type(`${CSV_TYPE}; charset=utf-8`)
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(stream)
}
