import type { Database } from '../../storage/database.js'

/**
 * The ids of revoked API clients, kept in memory and refreshed from the database on a short
 * interval, so a revocation on any instance takes effect on every instance within one
 * interval without a query per request.
 */
export class Revocations {
  private revoked = new Set<string>()
  private seenUntil: string | null = null

  constructor(private readonly database: Database) {}

  has(clientId: string): boolean {
    return this.revoked.has(clientId)
  }

  /** Records a revocation made by this instance at once. */
  add(clientId: string): void {
    this.revoked.add(clientId)
  }

  async refresh(): Promise<void> {
    // Re-read a minute of overlap: clocks of several instances differ slightly, and a
    // revocation stamped just before the last high-water mark must not be missed.
    const since = this.seenUntil ? new Date(Date.parse(this.seenUntil) - 60_000).toISOString() : null
    let query = this.database.db
      .selectFrom('api_clients')
      .select(['id', 'revoked_at'])
      .where('revoked_at', 'is not', null)
    if (since) query = query.where('revoked_at', '>=', since)
    for (const row of await query.execute()) {
      this.revoked.add(row.id)
      if (row.revoked_at && (!this.seenUntil || row.revoked_at > this.seenUntil))
        this.seenUntil = row.revoked_at
    }
  }
}
