/**
 * One data row of an export, whatever the file format: its row number as a spreadsheet
 * shows it (the header is row 1, the first ticket row 2) and its cells by column header.
 */
export interface SheetRow {
  line: number
  cells: Record<string, string>
}

/** Pairs each data row with the header row; blank rows are skipped, missing cells are ''. */
export function rowsByHeader(header: string[], rows: { line: number; values: string[] }[]): SheetRow[] {
  const names = header.map((name) => name.trim())
  return rows
    .filter((row) => row.values.some((value) => value.trim() !== ''))
    .map((row) => ({
      line: row.line,
      cells: Object.fromEntries(names.map((name, i) => [name, (row.values[i] ?? '').trim()])),
    }))
}
