/**
 * Writes `openapi/hejie.openapi.json` from the route schemas (`pnpm openapi`). The file is
 * committed; a test fails when it differs from what the code produces, so the published
 * contract and the SDK types generated from it never drift from the gateway.
 */
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { buildApp } from '../app.js'
import { loadConfig } from '../config.js'
import { openApiText } from '../http/openapi.js'
import { openDatabase } from '../storage/database.js'
import { migrateToLatest } from '../storage/migrator.js'

const target = new URL('../../../../openapi/hejie.openapi.json', import.meta.url)
const database = openDatabase({ sqlitePath: ':memory:' })
await migrateToLatest(database)
const config = loadConfig({}, { logLevel: 'silent', masterKey: randomBytes(32).toString('base64') })
const app = await buildApp({ config, database })
writeFileSync(target, openApiText(app))
await app.close()
console.log(`wrote ${target.pathname.split('/').slice(-2).join('/')}`)
