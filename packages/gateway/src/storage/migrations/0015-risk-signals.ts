import type { Kysely } from 'kysely'

/**
 * Risk signals (靶向监管), computed by the `risk-signals` job (services/risk-signals/).
 *
 * - `risk_signals`: one row per (kind, jurisdiction, subject, window); the unique index is
 *   what makes the job idempotent and safe in several processes at once: the insert that
 *   wins it is the signal's first appearance, and only that insert emits
 *   `risk_signal.raised`. `subject_key` is the subject as one comparable string (for a
 *   repeat complainant, a hash of the phone key, never the key itself); the API shows the
 *   subject from `enterprise_id`, `category` and `problem_type`.
 * - `disputes.consumer_phone_key`: the keyed hash of the consumer's normalised phone
 *   (domain/phone-key.ts), set at intake and nulled on erasure. Rows that existed before
 *   this migration are keyed by the job's first run (the key is derived from the master
 *   key, which migrations do not have). The index serves the repeat-complainant count:
 *   one jurisdiction's keyed disputes, grouped by key, within a window.
 */
export const riskSignals = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('risk_signals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('jurisdiction_id', 'text', (c) => c.notNull().references('jurisdictions.id'))
      .addColumn('subject_key', 'text', (c) => c.notNull())
      .addColumn('enterprise_id', 'text')
      .addColumn('category', 'text')
      .addColumn('problem_type', 'text')
      .addColumn('window_start', 'text', (c) => c.notNull())
      .addColumn('window_end', 'text', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('baseline', 'double precision')
      .addColumn('threshold', 'double precision', (c) => c.notNull())
      .addColumn('disputes', 'text', (c) => c.notNull())
      .addColumn('explanation', 'text', (c) => c.notNull())
      .addColumn('first_raised_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .execute()
    await db.schema
      .createIndex('risk_signals_identity')
      .on('risk_signals')
      .columns(['kind', 'jurisdiction_id', 'subject_key', 'window_start'])
      .unique()
      .execute()
    // A regulator's watchlist: its subtree's signals of a period, newest first.
    await db.schema
      .createIndex('risk_signals_jurisdiction_window')
      .on('risk_signals')
      .columns(['jurisdiction_id', 'window_start', 'id'])
      .execute()

    await db.schema.alterTable('disputes').addColumn('consumer_phone_key', 'text').execute()
    await db.schema
      .createIndex('disputes_consumer_phone_key')
      .on('disputes')
      .columns(['jurisdiction_id', 'consumer_phone_key', 'assigned_at'])
      .execute()
  },
}
