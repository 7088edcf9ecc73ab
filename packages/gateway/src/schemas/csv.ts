import { Type } from 'typebox'
import { StringEnum } from './common.js'

/**
 * What a CSV export is made of: the query parameters that ask for one, and the shape of a
 * column, which each resource defines next to itself (its headers in both languages and how
 * a row fills it). `http/csv.ts` writes them out.
 */

export const csvLanguages = ['zh', 'en'] as const
export type CsvLanguage = (typeof csvLanguages)[number]

/** The query parameters of every route that can answer CSV. */
export const CsvQuery = {
  format: Type.Optional(
    StringEnum(['json', 'csv'], {
      description: '`csv` answers `text/csv`, as `Accept: text/csv` does (for links and spreadsheets).',
    }),
  ),
  lang: Type.Optional(
    StringEnum(csvLanguages, { description: 'CSV only: column headers in Chinese (default) or English.' }),
  ),
}

/** A column of an export: its headers in both languages and how a row fills it. */
export interface CsvColumn<T> {
  zh: string
  en: string
  value: (row: T) => string | number | boolean | null | undefined
}
