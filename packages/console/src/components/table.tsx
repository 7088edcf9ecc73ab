import type { ComponentChildren } from 'preact'
import { t } from '../i18n/i18n.js'

export interface Column<T> {
  header: string
  cell: (row: T) => ComponentChildren
  /** Numbers align right, as in a printed report. */
  numeric?: boolean
}

/** A plain table with a caption and column headers, which screen readers announce per cell. */
export function Table<T>(props: {
  caption: string
  columns: Column<T>[]
  rows: T[]
  rowKey: (row: T) => string
  empty?: string
  hideCaption?: boolean
}) {
  return (
    <div class="table-wrap">
      <table>
        <caption class={props.hideCaption ? 'visually-hidden' : undefined}>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.header} scope="col" class={c.numeric ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.length === 0 ? (
            <tr>
              <td colSpan={props.columns.length} class="muted">
                {props.empty ?? t('common.none')}
              </td>
            </tr>
          ) : (
            props.rows.map((row) => (
              <tr key={props.rowKey(row)}>
                {props.columns.map((c) => (
                  <td key={c.header} class={c.numeric ? 'num' : undefined}>
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  )
}
