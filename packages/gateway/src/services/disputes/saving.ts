import type { DisputeTable } from '../../storage/schema.js'
import { updateById } from '../../storage/shaped-statement.js'
import type { WriteTransaction } from '../write/index.js'

/**
 * Writes a dispute's new state: only the columns whose values changed. The row carries a
 * dozen indexes' columns (lists, deadlines, stats); setting a column, even to its own value,
 * makes the database rewrite every index that holds it, and a contact or a settlement
 * changes none of them but the version and the time.
 */
export async function saveDispute(
  tx: WriteTransaction,
  current: DisputeTable,
  next: DisputeTable,
): Promise<void> {
  const changed: Partial<DisputeTable> = {}
  for (const column of Object.keys(next) as (keyof DisputeTable)[]) {
    if (next[column] !== current[column]) Object.assign(changed, { [column]: next[column] })
  }
  if (Object.keys(changed).length === 0) return
  await updateById(tx, 'disputes', current.id, changed)
}
