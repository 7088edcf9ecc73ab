import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Kysely,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely'

interface ColumnRow {
  schema: string
  table: string
  column: string
  data_type: string
  nullable: boolean
  has_default: boolean
  is_view: boolean
}

/**
 * What the migrator sees of a PostgreSQL database: the tables of the schema the gateway works
 * in (`current_schema()`, the first of its search path), not of every schema in the database.
 * Kysely's own introspector reads the whole catalog, so another schema in the same database
 * (another deployment, or a schema being dropped at that moment) could make it fail or make
 * a migration table elsewhere look like ours; and its cost would grow with every schema.
 */
export class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(this.db)
    return rows.map((row) => ({ name: row.name }))
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select ns.nspname as schema, c.relname as table, a.attname as column,
             format_type(a.atttypid, null) as data_type, not a.attnotnull as nullable,
             a.atthasdef as has_default, c.relkind = 'v' as is_view
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      order by c.relname, a.attnum`.execute(this.db)
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>()
    for (const row of rows) {
      let table = tables.get(row.table)
      if (!table) {
        table = { name: row.table, schema: row.schema, isView: row.is_view, columns: [] }
        tables.set(row.table, table)
      }
      table.columns.push({
        name: row.column,
        dataType: row.data_type,
        isNullable: row.nullable,
        hasDefaultValue: row.has_default,
        isAutoIncrementing: false,
      })
    }
    return [...tables.values()]
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() }
  }
}
