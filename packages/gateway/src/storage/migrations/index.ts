import type { Migration, MigrationProvider } from 'kysely'
import type { DialectName } from '../dialect.js'
import { writePath } from './0001-write-path.js'
import { identity } from './0002-identity.js'
import { disputes } from './0003-disputes.js'
import { webhooks } from './0004-webhooks.js'
import { statsIndexes } from './0005-stats-indexes.js'
import { witnesses } from './0006-witnesses.js'
import { jurisdictions } from './0007-jurisdictions.js'
import { provisionalDeadlines } from './0008-provisional-deadlines.js'
import { refundReferenceKeys } from './0009-refund-reference-keys.js'
import { indicatorColumns } from './0010-indicator-columns.js'
import { handlingUnits } from './0011-handling-units.js'
import { indicatorIndex } from './0012-indicator-index.js'
import { dispatchGeneration } from './0013-dispatch-generation.js'
import { supervision } from './0014-supervision.js'
import { riskSignals } from './0015-risk-signals.js'
import { evidenceFiles } from './0016-evidence-files.js'
import { consumerConfirmation } from './0017-consumer-confirmation.js'
import { unkeyedPhones } from './0018-unkeyed-phones.js'
import { consoleSessions } from './0019-console-sessions.js'
import { sandbox } from './0020-sandbox.js'
import { serverAppend } from './0021-server-append.js'

/**
 * Every migration, in order. Migrations are forward-only and written for both dialects;
 * a name, once released, never changes.
 */
export function migrationProvider(dialect: DialectName): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-write-path': writePath(dialect),
    '0002-identity': identity,
    '0003-disputes': disputes(dialect),
    '0004-webhooks': webhooks(dialect),
    '0005-stats-indexes': statsIndexes,
    '0006-witnesses': witnesses(dialect),
    '0007-jurisdictions': jurisdictions,
    '0008-provisional-deadlines': provisionalDeadlines,
    '0009-refund-reference-keys': refundReferenceKeys,
    '0010-indicator-columns': indicatorColumns(dialect),
    '0011-handling-units': handlingUnits(dialect),
    '0012-indicator-index': indicatorIndex(dialect),
    '0013-dispatch-generation': dispatchGeneration(dialect),
    '0014-supervision': supervision(dialect),
    '0015-risk-signals': riskSignals,
    '0016-evidence-files': evidenceFiles(dialect),
    '0017-consumer-confirmation': consumerConfirmation(dialect),
    '0018-unkeyed-phones': unkeyedPhones,
    '0019-console-sessions': consoleSessions,
    '0020-sandbox': sandbox,
    '0021-server-append': serverAppend(dialect),
  }
  return { getMigrations: async () => migrations }
}
