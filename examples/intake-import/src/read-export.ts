import { readFile } from 'node:fs/promises'
import { extname } from 'node:path'
import { parseCsv } from './parse-csv.js'
import { parseXlsx } from './parse-xlsx.js'
import type { SheetRow } from './rows.js'

/** Reads an export by its extension: `.xlsx` with exceljs, `.csv` (or anything else) as UTF-8 CSV. */
export async function readExport(path: string): Promise<SheetRow[]> {
  const data = await readFile(path)
  if (extname(path).toLowerCase() === '.xlsx') return parseXlsx(data)
  return parseCsv(new TextDecoder('utf-8', { fatal: true }).decode(data))
}
