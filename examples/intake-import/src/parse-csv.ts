import { rowsByHeader, type SheetRow } from './rows.js'

/**
 * Reads a CSV export (RFC 4180): UTF-8 with or without a byte-order mark, CRLF or LF line
 * ends, fields in double quotes that may hold commas, quotes (doubled) and line breaks. The
 * first record is the header. A row number counts physical lines, as a text editor does, so
 * that it matches the row number of the same export saved as XLSX as long as no field holds
 * a line break.
 */
export function parseCsv(text: string): SheetRow[] {
  const records = csvRecords(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  const [header, ...rows] = records
  if (!header) throw new Error('the file is empty: a header row is expected')
  return rowsByHeader(header.values, rows)
}

/** Splits CSV text into records, each with the line number it starts on (1-based). */
export function csvRecords(text: string): { line: number; values: string[] }[] {
  const records: { line: number; values: string[] }[] = []
  let values: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let recordLine = 1
  let i = 0
  const endRecord = () => {
    values.push(field)
    records.push({ line: recordLine, values })
    values = []
    field = ''
  }
  while (i < text.length) {
    const char = text[i] as string
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i += 2
        continue
      }
      if (char === '"') quoted = false
      else {
        if (char === '\n') line += 1
        field += char
      }
      i += 1
      continue
    }
    if (char === '"' && field === '') quoted = true
    else if (char === ',') {
      values.push(field)
      field = ''
    } else if (char === '\r' || char === '\n') {
      endRecord()
      i += char === '\r' && text[i + 1] === '\n' ? 2 : 1
      line += 1
      recordLine = line
      continue
    } else field += char
    i += 1
  }
  if (quoted) throw new Error(`a quoted field opened on line ${recordLine} is never closed`)
  if (field !== '' || values.length > 0) endRecord()
  return records
}
