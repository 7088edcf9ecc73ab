import type { ImportedLine } from './import.js'

/** The report's columns, in Chinese as the bureau reads them. */
const header = ['行号', '工单号', '结果', '去向', '匹配方式', '原因', '争议编号'] as const

function cellsOf(line: ImportedLine): string[] {
  return [
    String(line.line),
    line.ticket,
    line.result,
    line.destination,
    line.matchedBy,
    line.reason,
    line.disputeId,
  ]
}

/**
 * The report as a CSV file for Excel: UTF-8 with a byte-order mark (without it Excel reads
 * Chinese as mojibake), CRLF line ends, fields quoted when they hold a comma, quote or line break.
 */
export function reportCsv(lines: ImportedLine[]): string {
  const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)
  const records = [header as readonly string[], ...lines.map(cellsOf)].map((cells) =>
    cells.map(quote).join(','),
  )
  return `\uFEFF${records.join('\r\n')}\r\n`
}

/** The report as a table for a terminal, columns aligned for Chinese characters (two columns wide). */
export function reportTable(lines: ImportedLine[]): string {
  const rows = [header as readonly string[], ...lines.map(cellsOf)]
  const widths = header.map((_, column) => Math.max(...rows.map((row) => displayWidth(row[column] ?? ''))))
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === row.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - displayWidth(cell)),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** How many lines had each result, for the last line of the output. */
export function summary(lines: ImportedLine[]): string {
  const count = (result: ImportedLine['result']) => lines.filter((line) => line.result === result).length
  return `${lines.length} lines: ${count('routed')} routed, ${count('already imported')} already imported, ${count('refused')} refused`
}

/** Terminal columns: East Asian wide and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6)
    width += wide ? 2 : 1
  }
  return width
}
