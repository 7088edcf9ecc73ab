import type { Kysely } from 'kysely'

/**
 * Whether a dispute's `respond_by` was counted through a year whose holiday schedule was not
 * published yet (its days off derived from the law's rules). Deadlines set before this
 * migration were all counted on published schedules or on weekends alone: they are 0.
 */
export const provisionalDeadlines = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('disputes')
      .addColumn('respond_by_provisional', 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
  },
}
