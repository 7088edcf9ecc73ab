import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import type { InjectOptions } from 'fastify'
import t from 'tap'
import { PhoneKeyer } from '../../src/domain/phone-key.js'
import { masterKeyOf } from '../../src/services/identity/identity.js'
import { computeRiskSignals } from '../../src/services/risk-signals/run.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { addRule, addUnit } from '../helpers/dispatch.js'
import { intakeDispute } from '../helpers/disputes.js'
import { fakeFile, multipartUpload } from '../helpers/files.js'
import { accessToken, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'
import { addNode, uniqueCode } from '../helpers/jurisdictions.js'
import { type JsonSchema, nastyString, SchemaArbitraries } from './schema-arbitraries.js'

/**
 * Fuzzing from the contract: for every operation of `openapi/hejie.openapi.json`, requests
 * generated from its schemas, valid and invalid (paths, queries, headers, bodies), sent as a
 * regulator, as an enterprise, as another enterprise and with no token. Every response must be
 * below 500, be a status the operation declares with a body matching that status's schema
 * (the test helpers' contract check), and a refused request must leave every table as it was.
 *
 * CI runs a fixed seed and a bounded number of requests per operation; `pnpm fuzz` runs more,
 * with a random seed (printed, so a failure can be replayed with HEJIE_FUZZ_SEED).
 */
const runs = Number(process.env.HEJIE_FUZZ_RUNS ?? 40)
const seed =
  process.env.HEJIE_FUZZ_SEED === 'random'
    ? Date.now() % 2 ** 31
    : Number(process.env.HEJIE_FUZZ_SEED ?? 20261207)

interface Parameter {
  in: 'path' | 'query' | 'header'
  name: string
  required?: boolean
  schema: JsonSchema
}
interface Operation {
  operationId: string
  parameters?: Parameter[]
  requestBody?: { content: Record<string, { schema: JsonSchema }> }
}
const spec = JSON.parse(
  readFileSync(new URL('../../../../openapi/hejie.openapi.json', import.meta.url), 'utf8'),
) as {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, JsonSchema> }
}
const schemas = new SchemaArbitraries(spec.components.schemas)
const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
)

/** Percent-encodes any JS string, lone surrogates included (as the bytes a careless client sends). */
function encodeLoosely(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('')
    } else out += encodeURIComponent(char)
  }
  return out
}

type Caller = 'regulator' | 'enterprise' | 'other-enterprise' | 'none'

t.test(
  `every operation of the contract, fuzzed (${backend}, seed ${seed}, ${runs} requests each)`,
  async (t) => {
    // Each request snapshots every table before and after: `pnpm fuzz` runs ten times as many.
    t.setTimeout(Math.max(600_000, runs * operations.length * 100))
    const { app, database, config } = await testApp(t, {
      config: {
        rateLimitMax: 1_000_000,
        tokenRateLimit: 1_000_000,
        deadlineScanIntervalMs: 3_600_000,
        checkpointIntervalMs: 3_600_000,
        webhookPollIntervalMs: 3_600_000,
        riskSignalsIntervalMs: 3_600_000,
        // No dispatcher: the deliveries made below stay as they are, so that a table changes
        // only when a request changed it.
        webhookDispatch: false,
      },
    })
    const regulatorToken = await accessToken(app, await regulatorCredentials(database))
    const enterprise = await enrolEnterprise(app, regulatorToken, 'Acme Video')
    const other = await enrolEnterprise(app, regulatorToken, 'Other Shop')
    // The endpoint first, so that the intakes below leave it deliveries to retry.
    const endpoint = await app.inject({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      headers: { authorization: `Bearer ${enterprise.token}` },
      payload: { url: 'https://hooks.example.com/hejie', event_types: ['dispute.assigned'] },
    })
    const disputes = [
      (await intakeDispute(app, regulatorToken, enterprise.id)).id,
      (await intakeDispute(app, regulatorToken, other.id)).id,
    ]
    const district = await addNode(app, regulatorToken, {
      name: '东城区',
      code: uniqueCode('district'),
      level: 'district',
    })
    const unit = await addUnit(app, regulatorToken, { name: '东城区消费者权益保护科', kind: 'division' })
    const rule = await addRule(app, regulatorToken, {
      priority: 10,
      conditions: { problem_type: 'food_safety' },
      unit: unit.id,
    })
    // Thresholds of one: the two disputes above raise signals to read by id.
    const everything = {
      risingPreviousWindows: 1,
      risingPercent: 100,
      risingMinCount: 1,
      repeatedProblemMin: 1,
      lowSettlementPercent: 100,
      lowSettlementMinConcluded: 1,
      overdueClusterMin: 1,
      repeatComplainantMin: 1,
    }
    await computeRiskSignals(database, everything, PhoneKeyer.fromMasterKey(masterKeyOf(config)))
    const evidence = multipartUpload(
      { purpose: 'complaint_material', dispute_id: disputes[0] as string },
      { content: fakeFile('pdf', 2048), filename: 'receipt.pdf', type: 'application/pdf' },
    )
    const file = await app.inject({
      method: 'POST',
      url: '/v1/files',
      headers: { ...evidence.headers, authorization: `Bearer ${enterprise.token}` },
      payload: evidence.payload,
    })
    if (file.statusCode !== 201) throw new Error(`file: ${file.statusCode} ${file.body}`)
    const signals = await database.db.selectFrom('risk_signals').select('id').execute()
    const deliveries = await database.db.selectFrom('webhook_deliveries').select('id').execute()
    if (signals.length === 0 || deliveries.length === 0)
      throw new Error('the fuzz needs a risk signal and a delivery')
    const tokens: Record<Caller, string | undefined> = {
      regulator: regulatorToken,
      enterprise: enterprise.token,
      'other-enterprise': other.token,
      none: undefined,
    }
    // Spare clients for the client operations to work on: revoking the callers' own would end
    // the run's authenticated requests.
    const spareClients: string[] = []
    for (const name of ['Spare one', 'Spare two']) {
      const created = await app.inject({
        method: 'POST',
        url: `/v1/enterprises/${enterprise.id}/clients`,
        headers: { authorization: `Bearer ${regulatorToken}` },
        payload: { name },
      })
      spareClients.push(created.json().id)
    }
    const knownIds: Record<string, string[]> = {
      disputes: disputes,
      enterprises: [enterprise.id, other.id],
      clients: spareClients,
      'webhook-endpoints': [endpoint.json().id],
      'webhook-deliveries': deliveries.map((row) => row.id),
      jurisdictions: [district.id],
      'handling-units': [unit.id],
      'routing-rules': [rule],
      'risk-signals': signals.map((row) => row.id),
      files: [file.json().id],
    }

    const tables = (await database.db.introspection.getTables())
      .map((table) => table.name)
      .filter((name) => !name.startsWith('kysely_'))
    const snapshot = async () => {
      const parts: string[] = []
      for (const table of tables) {
        const rows = await database.db
          .selectFrom(table as never)
          .selectAll()
          .execute()
        parts.push(`${table}:${JSON.stringify(rows.map((row) => JSON.stringify(row)).sort())}`)
      }
      return parts
    }

    const summary: {
      operation: string
      requests: number
      statuses: Map<number, number>
      failures: string[]
    }[] = []
    for (const { path, method, operation } of operations) {
      const parameters = operation.parameters ?? []
      const resource = path.split('/')[2] ?? ''
      const pathValue = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...(knownIds[resource] ?? ['x'])) },
        { weight: 1, arbitrary: nastyString },
        {
          weight: 1,
          arbitrary: fc.constantFrom('dsp_01jd0000000000000000000000', 'ent_x', 'cli_', 'a'.repeat(101)),
        },
      )
      const query = fc.tuple(
        ...parameters
          .filter((p) => p.in === 'query')
          .map((p) =>
            fc.option(
              fc
                .oneof(
                  { weight: 3, arbitrary: schemas.valid(p.schema) },
                  { weight: 1, arbitrary: schemas.invalid(p.schema) },
                )
                .map((value) => [p.name, value] as const),
              { freq: 2 },
            ),
          ),
        // now and then a parameter the operation does not take
        fc.oneof(
          { weight: 7, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.tuple(nastyString, nastyString) },
        ),
      )
      const idempotent = parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key')
      const ifMatch = parameters.some((p) => p.in === 'header' && p.name === 'if-match')
      const bodySchema = operation.requestBody
        ? Object.values(operation.requestBody.content)[0]?.schema
        : undefined
      const request = fc.record({
        caller: fc.constantFrom<Caller>('regulator', 'enterprise', 'other-enterprise', 'none'),
        pathValues: fc.array(pathValue, { minLength: 2, maxLength: 2 }),
        query,
        idempotencyKey: idempotent
          ? fc.option(fc.oneof(fc.constantFrom('fuzz-key-1', 'fuzz-key-2'), nastyString), { freq: 2 })
          : fc.constant(null),
        ifMatch: ifMatch
          ? fc.option(fc.oneof(fc.constantFrom('"1"', 'W/"1"', '*', '"2", "1"', '1'), nastyString), {
              freq: 2,
            })
          : fc.constant(null),
        body: bodySchema
          ? fc.oneof(
              { weight: 3, arbitrary: schemas.valid(bodySchema) },
              { weight: 2, arbitrary: schemas.invalid(bodySchema) },
            )
          : fc.constant(undefined),
        encoding: fc.constantFrom('json', 'json', 'json', 'json', 'text', 'broken'),
      })

      const entry = {
        operation: `${method} ${path}`,
        requests: 0,
        statuses: new Map<number, number>(),
        failures: [] as string[],
      }
      summary.push(entry)
      const property = fc.asyncProperty(request, async (r) => {
        let index = 0
        const url =
          path.replace(/\{[^}]+\}/g, () => encodeLoosely(String(r.pathValues[index++] ?? ''))) +
          (() => {
            const pairs: string[] = []
            for (const item of r.query) {
              if (!item) continue
              const [name, value] = item
              for (const v of Array.isArray(value) ? value : [value]) {
                pairs.push(
                  `${encodeLoosely(String(name))}=${encodeLoosely(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))}`,
                )
              }
            }
            return pairs.length ? `?${pairs.join('&')}` : ''
          })()
        const headers: Record<string, string> = {}
        const token = tokens[r.caller]
        if (token) headers.authorization = `Bearer ${token}`
        if (r.idempotencyKey !== null) headers['idempotency-key'] = r.idempotencyKey
        if (r.ifMatch !== null) headers['if-match'] = r.ifMatch
        const options: InjectOptions = { method: method as InjectOptions['method'], url, headers }
        if (method !== 'GET') {
          if (r.encoding === 'text') {
            headers['content-type'] = 'text/plain'
            options.payload = 'hello'
          } else if (r.encoding === 'broken') {
            headers['content-type'] = 'application/json'
            options.payload = '{"unterminated": '
          } else if (r.body !== undefined) {
            headers['content-type'] = 'application/json'
            options.payload = JSON.stringify(r.body)
          }
        }
        const label = `${method} ${url.slice(0, 200)} as ${r.caller}`
        const before = await snapshot()
        let status: number
        try {
          const res = await app.inject(options)
          status = res.statusCode
          if (status >= 500) {
            entry.failures.push(`${label}: ${status} ${res.body.slice(0, 300)}`)
            return false
          }
        } catch (error) {
          // the helpers' contract check: a status or body the spec does not declare
          entry.failures.push(`${label}: ${(error as Error).message.slice(0, 600)}`)
          return false
        } finally {
          entry.requests += 1
        }
        entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1)
        if (status >= 400) {
          const after = await snapshot()
          const changed = tables.filter((_, i) => before[i] !== after[i])
          if (changed.length > 0) {
            entry.failures.push(`${label}: refused with ${status} but changed ${changed.join(', ')}`)
            return false
          }
        }
        return true
      })
      const result = await fc.check(property, { numRuns: runs, seed, endOnFailure: true })
      // A property can fail outside the request (the snapshot, the generator): still a failure.
      if (result.failed && entry.failures.length === 0) {
        entry.failures.push(`${String(result.errorInstance ?? 'the property failed').slice(0, 600)}`)
      }
    }

    const total = summary.reduce((n, e) => n + e.requests, 0)
    const failing = summary.filter((e) => e.failures.length > 0)
    const lines = [
      `fuzz (${backend}): ${summary.length} of ${operations.length} operations, ${total} requests, seed ${seed}`,
      ...summary.map(
        (e) =>
          `  ${e.operation}: ${e.requests} requests (${[...e.statuses.entries()]
            .sort(([a], [b]) => a - b)
            .map(([s, n]) => `${s}×${n}`)
            .join(' ')})${e.failures.length ? `, FAILED: ${e.failures[0]}` : ''}`,
      ),
      `fuzz (${backend}): ${failing.length} operations failed`,
    ]
    for (const line of lines) t.comment(line)
    process.stderr.write(`${lines.join('\n')}\n`)
    t.equal(summary.length, operations.length, 'every operation was fuzzed')
    for (const e of summary) {
      t.same(e.failures, [], e.operation)
      t.ok(e.failures.length > 0 || e.requests >= runs, `${e.operation}: ${e.requests} requests sent`)
    }
  },
)
