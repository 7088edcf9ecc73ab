import { type DatabaseIntrospector, type Driver, type Kysely, PostgresDialect } from 'kysely'
import { CurrentSchemaIntrospector } from './current-schema-introspector.js'
import { withInlineCommits } from './inline-commit.js'

/**
 * PostgreSQL as Kysely speaks it, introspecting only the gateway's own schema, and letting a
 * write commit in the round trip of its last statement (`inline-commit.ts`).
 */
export class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db)
  }

  override createDriver(): Driver {
    return withInlineCommits(super.createDriver())
  }
}
