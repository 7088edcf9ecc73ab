import assert from 'node:assert/strict'
import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import t from 'tap'
import { problemTypes } from '../../src/errors.js'
import { testApp } from '../helpers/app.js'
import { backend, type TestDatabase } from '../helpers/database.js'
import { intakeDispute, settlementOf2700 } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

/*
 * Random action sequences on several disputes of several enterprises, sent by random callers
 * through the real HTTP app. The expectations below are written from the contract (API.md:
 * the state diagram, the action table, idempotency, If-Match, tenancy), not from the
 * gateway's state machine: the point is to check that machine, not to restate it.
 */

type Status = 'assigned' | 'in_progress' | 'settled' | 'returned' | 'escalated' | 'closed'
type Role = 'regulator' | 'enterprise'

const enterpriseActions = ['accept', 'decline', 'contacts', 'settlements', 'refunds', 'outcome'] as const
const regulatorActions = [
  'assign',
  'escalate',
  'withdraw',
  'close',
  'feedback',
  'erase-personal-data',
  'urge',
  'mediation-records',
] as const
const actions = [...enterpriseActions, ...regulatorActions] as const
type Action = (typeof actions)[number]

const roleOf = (action: Action): Role =>
  (enterpriseActions as readonly string[]).includes(action) ? 'enterprise' : 'regulator'
/** Actions that create a record answer 201 with it; actions that move a dispute answer 200 with the dispute. */
const createsRecord: Record<Action, boolean> = {
  accept: false,
  decline: false,
  contacts: true,
  settlements: true,
  refunds: true,
  outcome: false,
  assign: false,
  escalate: false,
  withdraw: false,
  close: false,
  feedback: true,
  'erase-personal-data': false,
  urge: false,
  'mediation-records': true,
}
const recordObject: Partial<Record<Action, string>> = {
  contacts: 'contact',
  settlements: 'settlement',
  refunds: 'refund',
  feedback: 'feedback',
  'mediation-records': 'mediation_record',
}

/** The state diagram of API.md, edge by edge: which status may follow which. */
const diagram: Record<Status, readonly Status[]> = {
  assigned: ['in_progress', 'returned', 'escalated', 'closed'],
  in_progress: ['settled', 'escalated', 'closed'],
  settled: ['closed', 'escalated'],
  returned: ['assigned', 'escalated', 'closed'],
  escalated: ['closed'],
  closed: [],
}
const openStatuses: readonly Status[] = ['assigned', 'in_progress', 'settled', 'returned', 'escalated']

/**
 * Where a successful action leads according to API.md, or undefined when the contract has
 * no such move from this status (then the action must not have succeeded).
 */
function contractMove(
  action: Action,
  from: Status,
  body: Record<string, unknown>,
): { status: Status; resolution?: string } | undefined {
  switch (action) {
    case 'accept':
      return from === 'assigned' ? { status: 'in_progress' } : undefined
    case 'decline':
      return from === 'assigned' ? { status: 'returned' } : undefined
    case 'settlements':
      return from === 'in_progress' ? { status: 'settled' } : undefined
    case 'outcome':
      if (body.result === 'fulfilled')
        return from === 'settled' ? { status: 'closed', resolution: 'settled' } : undefined
      return from === 'in_progress' || from === 'settled' ? { status: 'escalated' } : undefined
    case 'assign':
      return from === 'returned' ? { status: 'assigned' } : undefined
    case 'escalate':
      return openStatuses.includes(from) ? { status: 'escalated' } : undefined
    case 'withdraw':
      return openStatuses.includes(from) ? { status: 'closed', resolution: 'withdrawn' } : undefined
    case 'close':
      return from === 'escalated' || from === 'returned'
        ? { status: 'closed', resolution: String(body.resolution) }
        : undefined
    // Records that leave the status where it is.
    case 'contacts':
      return from !== 'closed' ? { status: from } : undefined
    case 'refunds':
      return from === 'settled' ? { status: from } : undefined
    case 'feedback':
      return from === 'closed' ? { status: from } : undefined
    case 'erase-personal-data':
      return { status: from }
    case 'urge':
      return from === 'assigned' || from === 'in_progress' || from === 'settled'
        ? { status: from }
        : undefined
    case 'mediation-records':
      return from === 'escalated' ? { status: from } : undefined
  }
}

// ---------------------------------------------------------------------------------------------
// What one step of a sequence is: drawn by fast-check, interpreted against the live state.

/**
 * How often a listed action is picked, relative to the others listed: moves that carry a
 * dispute further along the diagram come more often, so that long sequences reach settled,
 * refunded, closed and feedback instead of ending early in a withdrawal.
 */
const progress: Record<Action, number> = {
  accept: 6,
  decline: 1,
  contacts: 1,
  settlements: 6,
  refunds: 4,
  outcome: 3,
  assign: 4,
  escalate: 1,
  withdraw: 1,
  close: 3,
  feedback: 4,
  'erase-personal-data': 1,
  urge: 1,
  'mediation-records': 1,
}

function pickListed(listed: readonly Action[], index: number): Action {
  const total = listed.reduce((sum, action) => sum + progress[action], 0)
  let left = index % total
  for (const action of listed) {
    left -= progress[action]
    if (left < 0) return action
  }
  return listed[0] as Action
}

/** One of the keys, drawn with the given weights; shrinking goes towards the first. */
function weighted<K extends string>(weights: Record<K, number>): fc.Arbitrary<K> {
  return fc.oneof(
    ...(Object.entries(weights) as [K, number][]).map(([value, weight]) => ({
      arbitrary: fc.constant(value),
      weight,
    })),
  )
}

const step = fc.record({
  dispute: fc.nat(),
  /** `actor`: whoever the dispute waits for (the enterprise while it handles it, else the regulator). */
  caller: weighted({ actor: 6, regulator: 2, assignee: 2, other: 1 }),
  /** `listed`: one of the caller's current `allowed_actions`; `any`: any action at all. */
  choice: weighted({ listed: 5, any: 1 }),
  action: fc.constantFrom(...actions),
  index: fc.nat(),
  body: weighted({ valid: 16, unknown_property: 1, wrong_type: 1, bad_json: 1, text_plain: 1 }),
  seed: fc.nat({ max: 1_000_000 }),
  ifMatch: weighted({ none: 8, current: 3, weak: 1, star: 1, stale: 1, garbage: 1 }),
  /** `reuse`: a key this caller used before, with a new request; `resend`: an earlier request again, as it was. */
  key: weighted({ none: 8, fresh: 4, reuse: 1, resend: 1 }),
})

/** One request as sent, kept so that it can be sent again with the same key. */
interface SentRequest {
  disputeIndex: number
  action: Action
  url: string
  contentType: string
  raw: string
  payload: Record<string, unknown> | undefined
  /** Whether the body matches the action's schema. */
  valid: boolean
  ifMatch: string | undefined
  key: string | undefined
}

interface StoredResponse {
  identity: string
  status: number
  body: string
}

interface Caller {
  name: string
  role: Role
  enterpriseId: string | null
  token: string
}

interface DisputeRow {
  status: Status
  version: number
  enterprise_id: string
  refunded: number
  settled: number | null
  resolution: string | null
  hasSettlement: boolean
}

interface Snapshot {
  dispute: DisputeRow
  auditEntries: number
  events: number
  idempotencyKeys: number
  refunds: number
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

const identityOf = (request: SentRequest) => `${request.url}\n${canonical(request.payload ?? null)}`

async function snapshot(database: TestDatabase, id: string): Promise<Snapshot> {
  const row = await database.db
    .selectFrom('disputes')
    .select(['status', 'version', 'enterprise_id', 'refunded_amount', 'settlement', 'resolution'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
  const counts = await sql<{ audit: unknown; events: unknown; keys: unknown; refunds: unknown }>`
    select (select count(*) from audit_entries) as audit, (select count(*) from events) as events,
           (select count(*) from idempotency_keys) as keys,
           (select count(*) from refunds where dispute_id = ${id}) as refunds`.execute(database.db)
  const settlement = row.settlement ? JSON.parse(row.settlement) : null
  const [c] = counts.rows
  return {
    dispute: {
      status: row.status,
      version: Number(row.version),
      enterprise_id: row.enterprise_id ?? '',
      refunded: Number(row.refunded_amount),
      settled: settlement ? (settlement.amount?.amount ?? 0) : null,
      resolution: row.resolution,
      hasSettlement: settlement !== null,
    },
    auditEntries: Number(c?.audit),
    events: Number(c?.events),
    idempotencyKeys: Number(c?.keys),
    refunds: Number(c?.refunds),
  }
}

/** A refusal the contract allows for a request, as status and code. */
type Refusal = readonly [status: number, code: string]

type Expectation =
  | { kind: 'replay'; stored: StoredResponse }
  | { kind: 'refused'; refusals: Refusal[] }
  | { kind: 'success'; status: 200 | 201 }

function isProblem(res: LightMyRequestResponse) {
  return String(res.headers['content-type']).startsWith('application/problem+json')
}

t.test(`random action sequences by random callers never leave the state diagram (${backend})`, async (t) => {
  const started = Date.now()
  const { app, database } = await testApp(t, {
    // Thousands of requests from four clients within a minute; the scanner would mutate
    // disputes behind the model's back.
    config: { rateLimitMax: 10_000_000, deadlineScanIntervalMs: 3_600_000 },
  })
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const companies = await Promise.all(
    ['甲视频', '乙电商', '丙家电'].map((name) => enrolEnterprise(app, regulatorToken, name)),
  )
  const regulator: Caller = {
    name: 'regulator',
    role: 'regulator',
    enterpriseId: null,
    token: regulatorToken,
  }
  const enterprises: Caller[] = companies.map((company, i) => ({
    name: `enterprise ${i}`,
    role: 'enterprise',
    enterpriseId: company.id,
    token: company.token,
  }))

  let run = 0
  let steps = 0
  const tally = new Map<string, number>()
  const count = (label: string) => tally.set(label, (tally.get(label) ?? 0) + 1)

  const property = fc.asyncProperty(
    fc.array(fc.nat({ max: companies.length - 1 }), { minLength: 1, maxLength: 3, size: 'max' }),
    fc.array(step, { minLength: 4, maxLength: 24, size: 'max' }),
    async (assignees, plan) => {
      run += 1
      const disputeIds: string[] = []
      for (const index of assignees) {
        const dispute = await intakeDispute(app, regulatorToken, companies[index]?.id ?? '')
        disputeIds.push(dispute.id)
      }
      const stored = new Map<string, Map<string, StoredResponse>>() // caller → key → response
      const sent = new Map<string, SentRequest[]>() // caller → requests
      const references = new Map<string, string[]>() // enterprise → refund references used
      const successes = new Map<string, number>()
      const views = new Map<string, { version: number; visible: boolean; allowed: Action[] }>()
      let counter = 0

      for (const s of plan) {
        steps += 1
        const disputeIndex = s.dispute % disputeIds.length
        const id = disputeIds[disputeIndex] ?? ''
        const before = await snapshot(database, id)
        const assignee = enterprises.find((e) => e.enterpriseId === before.dispute.enterprise_id)
        const others = enterprises.filter((e) => e !== assignee)
        const handling = ['assigned', 'in_progress', 'settled'].includes(before.dispute.status)
        const caller =
          s.caller === 'regulator' || (s.caller === 'actor' && !handling)
            ? regulator
            : s.caller === 'other'
              ? (others[s.seed % others.length] ?? regulator)
              : (assignee ?? regulator)
        const mine = stored.get(caller.name) ?? new Map<string, StoredResponse>()
        stored.set(caller.name, mine)
        const history = sent.get(caller.name) ?? []
        sent.set(caller.name, history)

        // What the caller sees now: the dispute with its allowed actions, or a 404. Read again
        // whenever the dispute has changed since this caller last saw it.
        const visible = caller.role === 'regulator' || caller.enterpriseId === before.dispute.enterprise_id
        const seen = views.get(`${caller.name} ${id}`)
        let listed: Action[] = []
        if (seen && seen.version === before.dispute.version && seen.visible === visible) {
          listed = seen.allowed
        } else {
          const view = await as(app, caller.token)({ url: `/v1/disputes/${id}` })
          assert.equal(view.statusCode, visible ? 200 : 404, `GET as ${caller.name}`)
          if (visible) {
            const body = view.json()
            assert.equal(view.headers.etag, `"${before.dispute.version}"`, 'GET carries the version as ETag')
            assert.equal(body.version, before.dispute.version)
            assert.equal(body.status, before.dispute.status)
            assert.equal(body.refunded.amount, before.dispute.refunded)
            listed = body.allowed_actions
          } else {
            assert.equal(view.json().code, 'not_found')
          }
          views.set(`${caller.name} ${id}`, { version: before.dispute.version, visible, allowed: listed })
        }
        if (listed.includes('refunds'))
          assert.ok(
            (before.dispute.settled ?? 0) > before.dispute.refunded,
            'a refund is offered only while part of the settlement is left to refund',
          )
        for (const action of listed) {
          assert.equal(roleOf(action), caller.role, `${action} is listed only for its role`)
          assert.ok(
            contractMove(action, before.dispute.status, { result: 'not_settled', resolution: 'mediated' }),
            `${action} listed in ${before.dispute.status} is a move of the diagram`,
          )
        }

        // The request of this step.
        let request: SentRequest
        const resend = s.key === 'resend' ? history[s.seed % Math.max(history.length, 1)] : undefined
        if (resend) {
          request = resend
        } else {
          const followed = s.choice === 'listed' && listed.length > 0
          const action = followed ? pickListed(listed, s.index) : s.action
          const payload = validBody(action, s.seed, before.dispute, {
            counter: ++counter,
            run,
            enterprises: companies.map((c) => c.id),
            references: references.get(before.dispute.enterprise_id) ?? [],
          })
          const url = `/v1/disputes/${id}/${action}`
          const keyOf = () => {
            if (s.key === 'fresh') return `run-${run}-key-${counter}`
            if (s.key === 'reuse') {
              const keys = [...mine.keys()]
              return keys.length > 0 ? keys[s.seed % keys.length] : `run-${run}-key-${counter}`
            }
            return undefined
          }
          const ifMatch = {
            none: undefined,
            current: `"${before.dispute.version}"`,
            weak: `W/"${before.dispute.version}"`,
            star: '*',
            stale: `"${before.dispute.version > 1 && s.seed % 2 ? before.dispute.version - 1 : before.dispute.version + 1 + (s.seed % 3)}"`,
            garbage: s.seed % 2 ? 'version-one' : '"v1"',
          }[s.ifMatch]
          const base = { disputeIndex, action, url, ifMatch, key: keyOf() }
          request =
            s.body === 'valid'
              ? {
                  ...base,
                  contentType: 'application/json',
                  raw: JSON.stringify(payload),
                  payload,
                  valid: true,
                }
              : s.body === 'unknown_property'
                ? withPayload(base, { ...payload, priority: 'urgent' })
                : s.body === 'wrong_type'
                  ? withPayload(base, wrongType(action, payload))
                  : s.body === 'bad_json'
                    ? {
                        ...base,
                        contentType: 'application/json',
                        raw: '{"note": ',
                        payload: undefined,
                        valid: false,
                      }
                    : { ...base, contentType: 'text/plain', raw: action, payload: undefined, valid: false }
        }
        const requestDispute = disputeIds[request.disputeIndex] ?? ''
        const current =
          request.disputeIndex === disputeIndex ? before : await snapshot(database, requestDispute)

        const expected = expectationOf(request, caller, current.dispute, listed, mine, {
          enterprises: companies.map((c) => c.id),
          references: references.get(current.dispute.enterprise_id) ?? [],
          sameDisputeView: request.disputeIndex === disputeIndex,
        })
        const res = await app.inject({
          method: 'POST',
          url: request.url,
          headers: {
            authorization: `Bearer ${caller.token}`,
            'content-type': request.contentType,
            ...(request.ifMatch === undefined ? {} : { 'if-match': request.ifMatch }),
            ...(request.key === undefined ? {} : { 'idempotency-key': request.key }),
          },
          payload: request.raw,
        })
        history.push(request)
        const after = await snapshot(database, requestDispute)
        const label = `${caller.name} ${request.action} on ${current.dispute.status}`
        const context = () =>
          `${label} (body ${request.valid ? 'valid' : 'invalid'}, If-Match ${request.ifMatch}, key ${request.key}): ${res.statusCode} ${res.body}`

        // Universal rules, whatever the expectation.
        assert.ok(res.statusCode < 500, `no 5xx: ${context()}`)
        if (res.statusCode >= 300) {
          assert.ok(isProblem(res), `a refusal is application/problem+json: ${context()}`)
          const problem = res.json()
          const code = problem.code as keyof typeof problemTypes
          assert.ok(code in problemTypes, `a known problem code: ${context()}`)
          assert.equal(problemTypes[code].status, res.statusCode, `the code's status: ${context()}`)
          assert.equal(problem.status, res.statusCode)
          assert.deepEqual(after, current, `a refusal changes nothing: ${context()}`)
        }
        const replayed = res.headers['idempotent-replayed'] === 'true'
        if (replayed) assert.deepEqual(after, current, `a replay changes nothing: ${context()}`)

        if (expected !== 'unknown') {
          if (expected.kind === 'replay') {
            count('replayed')
            assert.ok(replayed, `the stored response is replayed: ${context()}`)
            assert.equal(res.statusCode, expected.stored.status, `replayed status: ${context()}`)
            const storedBody = JSON.parse(expected.stored.body)
            if (storedBody?.object === 'dispute' && storedBody.consumer) {
              const shown = await database.db
                .selectFrom('disputes')
                .select('personal_data_erased_at')
                .where('id', '=', storedBody.id)
                .executeTakeFirst()
              // Erasure scrubs the consumer from stored responses too: a replay after it carries none.
              if (shown?.personal_data_erased_at) storedBody.consumer = { name: null, phone: null }
            }
            assert.deepEqual(JSON.parse(res.body), storedBody, 'replayed body')
          } else if (expected.kind === 'refused') {
            count(`refused ${res.statusCode}`)
            const problem = res.statusCode >= 300 ? res.json() : {}
            assert.ok(
              expected.refusals.some(([status, code]) => status === res.statusCode && code === problem.code),
              `expected one of ${JSON.stringify(expected.refusals)}: ${context()}`,
            )
            if (problem.code === 'invalid_transition') {
              assert.equal(problem.current_status, current.dispute.status, 'names the current status')
              if (request.disputeIndex === disputeIndex)
                assert.deepEqual(problem.allowed_actions, listed, 'names the allowed actions')
            }
            if (problem.code === 'precondition_failed' && problem.current_version !== undefined)
              assert.equal(problem.current_version, current.dispute.version)
          } else {
            count(`${request.action} succeeded`)
            assert.ok(!replayed, `a new request is not a replay: ${context()}`)
            assert.equal(res.statusCode, expected.status, `success: ${context()}`)
          }
        }

        if (res.statusCode < 300 && !replayed) {
          // A change: exactly one version further, along an edge of the diagram.
          const move = contractMove(request.action, current.dispute.status, request.payload ?? {})
          assert.ok(move, `the diagram allows ${label}: ${context()}`)
          assert.equal(
            after.dispute.version,
            current.dispute.version + 1,
            `one version further: ${context()}`,
          )
          assert.equal(after.dispute.status, move.status, `${label} leads to ${move.status}`)
          if (after.dispute.status !== current.dispute.status)
            assert.ok(
              diagram[current.dispute.status].includes(after.dispute.status),
              `${current.dispute.status} → ${after.dispute.status} is an edge of the diagram`,
            )
          if (move.resolution) assert.equal(after.dispute.resolution, move.resolution)
          assert.ok(after.auditEntries > current.auditEntries, 'every change is an audit entry')
          const body = res.json()
          if (createsRecord[request.action]) {
            assert.equal(body.object, recordObject[request.action])
          } else {
            assert.equal(body.object, 'dispute')
            assert.equal(body.status, after.dispute.status)
            assert.equal(body.version, after.dispute.version)
            assert.equal(res.headers.etag, `"${after.dispute.version}"`)
            views.set(`${caller.name} ${requestDispute}`, {
              version: body.version,
              visible: true,
              allowed: body.allowed_actions,
            })
          }
          if (request.action === 'refunds') {
            const amount = Number((request.payload?.amount as { amount?: number } | undefined)?.amount)
            assert.equal(after.dispute.refunded, current.dispute.refunded + amount)
            assert.equal(after.refunds, current.refunds + 1)
            const list = references.get(after.dispute.enterprise_id) ?? []
            list.push(String(request.payload?.reference))
            references.set(after.dispute.enterprise_id, list)
          } else {
            assert.equal(after.dispute.refunded, current.dispute.refunded, 'only a refund moves `refunded`')
          }
          successes.set(requestDispute, (successes.get(requestDispute) ?? 0) + 1)
          if (request.key !== undefined)
            mine.set(request.key, { identity: identityOf(request), status: res.statusCode, body: res.body })
        }
        assert.ok(
          after.dispute.refunded <= (after.dispute.settled ?? 0),
          'refunds never exceed the settlement',
        )
      }

      // At the end of a sequence: every change is in the timeline, once, in order.
      for (const id of disputeIds) {
        const timeline = await as(app, regulatorToken)({ url: `/v1/disputes/${id}/timeline?limit=100` })
        assert.equal(timeline.statusCode, 200)
        const entries = timeline.json().data as { action: string; audit_index: number }[]
        assert.equal(entries.length, 1 + (successes.get(id) ?? 0), 'one timeline entry per change')
        assert.equal(entries[0]?.action, 'dispute.created')
        const indexes = entries.map((entry) => entry.audit_index)
        assert.deepEqual(
          indexes,
          [...indexes].sort((a, b) => a - b),
          'the timeline is in order',
        )
      }
    },
  )

  // 1–3 disputes and about 13 steps a sequence: some 3,000 requests on SQLite in about half a
  // minute on two cores. PostgreSQL commits cost twice as much, so it runs half as many
  // sequences. HEJIE_PROPERTY_RUNS sets the count for a longer soak.
  const numRuns = Number(process.env.HEJIE_PROPERTY_RUNS ?? (backend === 'postgres' ? 120 : 250))
  await fc.assert(property, { numRuns })
  t.pass(
    `${run} sequences, ${steps} steps in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(
      Object.fromEntries([...tally].sort()),
    )}`,
  )
})

// ---------------------------------------------------------------------------------------------
// Bodies

interface BodyContext {
  counter: number
  run: number
  enterprises: string[]
  references: string[]
}

/** A reported time (contact, refund): now, which lies after the dispute's assignment. */
const at = () => new Date().toISOString()

/**
 * A body of the action's schema. Most are ones the action accepts in the current state; a
 * few are well-formed but refused by a rule (a refund above what is left, a refund reference
 * already used, `fulfilled` before any settlement, an enterprise that does not exist).
 */
function validBody(action: Action, seed: number, dispute: DisputeRow, context: BodyContext) {
  const note = seed % 3 === 0 ? { note: `note ${seed}` } : {}
  switch (action) {
    case 'accept':
    case 'withdraw':
    case 'erase-personal-data':
      return { ...note }
    case 'decline':
      return {
        reason: (['not_responsible', 'duplicate', 'insufficient_information', 'other'] as const)[seed % 4],
        ...note,
      }
    case 'contacts':
      return {
        channel: (['phone', 'sms', 'im', 'email', 'in_person'] as const)[seed % 5],
        contacted_at: at(),
        reached: seed % 2 === 0,
        summary: 'Called the consumer about the membership.',
      }
    case 'settlements':
      if (seed % 4 === 0) {
        const { amount: _none, ...withoutMoney } = settlementOf2700
        return { ...withoutMoney, remedy: 'apology', terms: 'A written apology.' }
      }
      return { ...settlementOf2700, amount: { amount: 100 + (seed % 3900), currency: 'CNY' } }
    case 'refunds': {
      const left = (dispute.settled ?? 0) - dispute.refunded
      const amount = seed % 6 === 0 || left <= 0 ? left + 1 + (seed % 50) : 1 + (seed % left)
      const reused =
        seed % 9 === 0 ? context.references[seed % Math.max(context.references.length, 1)] : undefined
      return {
        amount: { amount, currency: 'CNY' },
        method: (['original_payment', 'bank_transfer', 'wechat_pay', 'alipay', 'cash', 'other'] as const)[
          seed % 6
        ],
        reference: reused ?? `RF-${context.run}-${context.counter}`,
        refunded_at: at(),
      }
    }
    case 'outcome':
      return {
        result: seed % 2 === 0 ? 'fulfilled' : 'not_settled',
        ...(seed % 5 === 0 ? { reason: 'merchant_refused' } : {}),
        summary: 'Reported by the enterprise.',
      }
    case 'assign': {
      if (seed % 11 === 0) return { enterprise_id: 'ent_00000000000000000000000000' }
      const others = context.enterprises.filter((e) => e !== dispute.enterprise_id)
      return { enterprise_id: others[seed % others.length] }
    }
    case 'escalate':
      return { reason: 'The enterprise does not answer the consumer.' }
    case 'close':
      return { resolution: (['mediated', 'terminated', 'rejected'] as const)[seed % 3], ...note }
    case 'feedback':
      return {
        resolved: seed % 2 === 0,
        satisfaction: (['satisfied', 'basically_satisfied', 'dissatisfied'] as const)[seed % 3],
        ...note,
      }
    case 'urge':
      return { note: `Contact the consumer today (${seed}).` }
    case 'mediation-records':
      return {
        held_at: at(),
        method: (['phone', 'in_person', 'online'] as const)[seed % 3],
        participants: [{ role: 'consumer', name: '张伟' }],
        summary: 'The parties met at the station.',
        ...(seed % 2 === 0 ? { agreement: 'A refund of 27.00 yuan.' } : {}),
      }
  }
}

function withPayload(
  base: Omit<SentRequest, 'contentType' | 'raw' | 'payload' | 'valid'>,
  payload: Record<string, unknown>,
): SentRequest {
  return { ...base, contentType: 'application/json', raw: JSON.stringify(payload), payload, valid: false }
}

/** The body with one value of the wrong type: a string note, a float amount, a numeric enum. */
function wrongType(action: Action, payload: Record<string, unknown>): Record<string, unknown> {
  switch (action) {
    case 'refunds':
      return { ...payload, amount: { amount: 27.5, currency: 'CNY' } }
    case 'settlements':
      return { ...payload, amount: { amount: '2700', currency: 'CNY' } }
    case 'contacts':
      return { ...payload, reached: 'yes' }
    case 'feedback':
      return { ...payload, resolved: 1 }
    default:
      return { ...payload, note: 12345 }
  }
}

// ---------------------------------------------------------------------------------------------
// What the contract says the answer must be

function expectationOf(
  request: SentRequest,
  caller: Caller,
  dispute: DisputeRow,
  listed: readonly Action[],
  stored: ReadonlyMap<string, StoredResponse>,
  context: { enterprises: string[]; references: string[]; sameDisputeView: boolean },
): Expectation | 'unknown' {
  // Refused before the request is looked at: the role, the media type, the body.
  if (caller.role !== roleOf(request.action)) return { kind: 'refused', refusals: [[403, 'forbidden']] }
  if (request.contentType !== 'application/json')
    return { kind: 'refused', refusals: [[415, 'unsupported_media_type']] }
  if (request.payload === undefined) return { kind: 'refused', refusals: [[400, 'malformed_json']] }
  if (!request.valid) return { kind: 'refused', refusals: [[400, 'validation_failed']] }

  const refusals: Refusal[] = []
  // RFC 9110: `*`, or entity tags compared strongly; a header of neither form is refused
  // before the write, a weak or foreign tag simply never matches.
  const ifMatch = request.ifMatch?.trim()
  const wellFormed = ifMatch === undefined || ifMatch === '*' || /^(W\/)?"[^"]*"$/.test(ifMatch)
  if (!wellFormed) refusals.push([412, 'precondition_failed'])

  // Idempotency: the same key with the same request replays; with another request it is 422.
  const earlier = request.key === undefined ? undefined : stored.get(request.key)
  if (earlier && refusals.length === 0) {
    if (earlier.identity === identityOf(request)) return { kind: 'replay', stored: earlier }
    refusals.push([422, 'idempotency_key_reused'])
  }

  const visible = caller.role === 'regulator' || caller.enterpriseId === dispute.enterprise_id
  if (!visible) refusals.push([404, 'not_found'])
  if (ifMatch !== undefined && wellFormed && ifMatch !== '*' && ifMatch !== `"${dispute.version}"`)
    refusals.push([412, 'precondition_failed'])
  if (refusals.length > 0) return { kind: 'refused', refusals }

  if (!context.sameDisputeView) return 'unknown'
  if (!listed.includes(request.action)) {
    // Not offered now: another transition (409). A refund on a settlement with nothing left
    // to refund may instead say exactly that (422), as the refund rule of API.md does.
    const refusals: Refusal[] = [[409, 'invalid_transition']]
    if (request.action === 'refunds' && dispute.hasSettlement)
      refusals.push([422, 'refund_exceeds_settlement'])
    return { kind: 'refused', refusals }
  }

  // Listed, with a well-formed body: it succeeds unless the body breaks one of the action's own rules.
  const payload = request.payload
  if (request.action === 'outcome' && payload.result === 'fulfilled' && !dispute.hasSettlement)
    return { kind: 'refused', refusals: [[409, 'invalid_transition']] }
  if (request.action === 'refunds') {
    const amount = Number((payload.amount as { amount: number }).amount)
    if (dispute.refunded + amount > (dispute.settled ?? 0)) refusals.push([422, 'refund_exceeds_settlement'])
    if (context.references.includes(String(payload.reference))) refusals.push([409, 'conflict'])
  }
  if (request.action === 'assign' && !context.enterprises.includes(String(payload.enterprise_id))) {
    refusals.push([404, 'not_found'], [422, 'unprocessable'])
  }
  if (refusals.length > 0) return { kind: 'refused', refusals }
  return { kind: 'success', status: createsRecord[request.action] ? 201 : 200 }
}

// ---------------------------------------------------------------------------------------------
// One rule of the property as a plain example: `refunds` is offered only while it can succeed

t.test('refunds is not offered once nothing is left to refund under the settlement', async (t) => {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const company = await enrolEnterprise(app, regulatorToken, '某某视频')
  const enterprise = as(app, company.token)
  const cases = [
    {
      name: 'a settlement of 27.00 CNY refunded in full',
      settlement: () => settlementOf2700,
      refund: 2700,
    },
    {
      name: 'a settlement without an amount (an apology)',
      // Made when it is sent: its agreed_at is a time after the dispute's assignment.
      settlement: () =>
        (({ amount: _none, ...rest }) => ({
          ...rest,
          remedy: 'apology',
          terms: 'A written apology.',
        }))(settlementOf2700),
      refund: 0,
    },
  ]
  for (const { name, settlement, refund } of cases) {
    const dispute = await intakeDispute(app, regulatorToken, company.id)
    await enterprise({ method: 'POST', url: `/v1/disputes/${dispute.id}/accept` })
    const settled = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/settlements`,
      payload: settlement(),
    })
    t.equal(settled.statusCode, 201, `${name}: settled`)
    if (refund > 0) {
      const paid = await enterprise({
        method: 'POST',
        url: `/v1/disputes/${dispute.id}/refunds`,
        payload: {
          amount: { amount: refund, currency: 'CNY' },
          method: 'alipay',
          reference: `RF-${dispute.id}`,
          refunded_at: at(),
        },
      })
      t.equal(paid.statusCode, 201, `${name}: refunded`)
    }
    const smallest = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/refunds`,
      payload: {
        amount: { amount: 1, currency: 'CNY' },
        method: 'alipay',
        reference: `RF-1-${dispute.id}`,
        refunded_at: at(),
      },
    })
    t.equal(
      smallest.statusCode >= 400 && smallest.statusCode < 500,
      true,
      `${name}: even 1 fen more is refused`,
    )
    t.match(smallest.json().code, /^(refund_exceeds_settlement|invalid_transition)$/)
    const view = (await enterprise({ url: `/v1/disputes/${dispute.id}` })).json()
    t.notOk(
      view.allowed_actions.includes('refunds'),
      `${name}: allowed_actions ${JSON.stringify(view.allowed_actions)} does not offer a refund that cannot succeed`,
    )
  }
})
