import ExcelJS from 'exceljs'
import { rowsByHeader, type SheetRow } from './rows.js'

/**
 * Reads the first worksheet of an XLSX export with exceljs: row 1 is the header. Cells are
 * turned into the text a CSV export of the same sheet would hold: numbers as written
 * (`199.9`), date cells as `YYYY-MM-DD` or `YYYY-MM-DD HH:mm:ss` (Excel keeps no time zone:
 * the wall-clock time is read as written), rich text as its plain text, formulas as their
 * cached result.
 */
export async function parseXlsx(data: Buffer | ArrayBuffer): Promise<SheetRow[]> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(data as ArrayBuffer)
  const sheet = workbook.worksheets[0]
  if (!sheet) throw new Error('the workbook has no worksheet')
  const header = valuesOf(sheet.getRow(1), sheet.columnCount)
  if (header.every((name) => name === ''))
    throw new Error('row 1 of the worksheet is empty: a header row is expected')
  const rows: { line: number; values: string[] }[] = []
  for (let line = 2; line <= sheet.rowCount; line += 1) {
    rows.push({ line, values: valuesOf(sheet.getRow(line), header.length) })
  }
  return rowsByHeader(header, rows)
}

function valuesOf(row: ExcelJS.Row, width: number): string[] {
  const values: string[] = []
  for (let column = 1; column <= width; column += 1) values.push(cellText(row.getCell(column).value))
  return values
}

export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return dateText(value)
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('')
    if ('result' in value) return cellText((value.result ?? null) as ExcelJS.CellValue)
    if ('text' in value) return String(value.text)
    if ('error' in value) return ''
  }
  return String(value)
}

/** exceljs gives a date cell as the UTC instant of its wall-clock time. */
function dateText(date: Date): string {
  const iso = date.toISOString()
  const day = iso.slice(0, 10)
  const time = iso.slice(11, 19)
  return time === '00:00:00' ? day : `${day} ${time}`
}
