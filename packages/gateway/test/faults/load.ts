/**
 * Load for the fault suite: clients that register complaints (each with an Idempotency-Key)
 * and read the dispute list over real HTTP while a fault is injected, and the ledger that
 * says afterwards what was sent, acknowledged and found.
 */
import { randomBytes } from 'node:crypto'
import { verifyAuditBundle } from '@hejie/sdk'
import { sql } from 'kysely'
import type { Database } from '../../src/storage/database.js'
import { complaint } from '../helpers/disputes.js'
import { ContractViolation, contractCheckedBody } from '../helpers/response-contract.js'

export interface Sent {
  kind: 'intake' | 'list'
  status: number
  /** The problem's `code`, or the OAuth `error`, of a failed request. */
  code: string | undefined
  retryAfter: string | null
  /** For an intake: its ticket, key, body, and the dispute id when acknowledged. */
  externalRef?: string
  idempotencyKey?: string
  body?: object
  disputeId?: string
}

export interface Load {
  /** Stops the clients and waits for their requests in flight. */
  stop(): Promise<Sent[]>
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function send(base: string, token: string, path: string, init: RequestInit = {}) {
  const response = await fetch(new URL(path, base), {
    ...init,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
  })
  const text = await contractCheckedBody(init.method ?? 'GET', new URL(path, base), response)
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {}
  return { status: response.status, body, retryAfter: response.headers.get('retry-after') }
}

/** A complaint registered through the API, with an Idempotency-Key so that it can be retried. */
export async function registerComplaint(
  base: string,
  token: string,
  enterpriseId: string,
  tag: string,
  earlier?: Sent,
): Promise<Sent> {
  const body =
    earlier?.body ?? complaint(enterpriseId, { external_ref: `${tag}-${randomBytes(6).toString('hex')}` })
  const idempotencyKey = earlier?.idempotencyKey ?? randomBytes(12).toString('hex')
  const externalRef = (body as { external_ref: string }).external_ref
  let answer: Awaited<ReturnType<typeof send>>
  try {
    answer = await send(base, token, '/v1/disputes', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'idempotency-key': idempotencyKey },
    })
  } catch (error) {
    if (error instanceof ContractViolation) throw error
    // No answer at all (the gateway's process died): status 0, not acknowledged.
    return {
      kind: 'intake',
      status: 0,
      code: (error as Error).message,
      retryAfter: null,
      externalRef,
      idempotencyKey,
      body,
    }
  }
  return {
    kind: 'intake',
    status: answer.status,
    code: answer.body.code as string | undefined,
    retryAfter: answer.retryAfter,
    externalRef,
    idempotencyKey,
    body,
    ...(answer.status === 201 ? { disputeId: answer.body.id as string } : {}),
  }
}

/** `clients` concurrent clients, each registering complaints and, one request in four, reading the list. */
export function startLoad(base: string, token: string, enterpriseId: string, tag: string, clients = 4): Load {
  const sent: Sent[] = []
  let running = true
  const client = async (n: number) => {
    for (let i = 0; running; i++) {
      try {
        if ((i + n) % 4 === 3) {
          const answer = await send(base, token, '/v1/disputes?limit=5')
          sent.push({
            kind: 'list',
            status: answer.status,
            code: answer.body.code as string | undefined,
            retryAfter: answer.retryAfter,
          })
        } else {
          sent.push(await registerComplaint(base, token, enterpriseId, tag))
        }
      } catch (error) {
        if (error instanceof ContractViolation) throw error
        // No answer at all: recorded as status 0.
        sent.push({ kind: 'list', status: 0, code: (error as Error).message, retryAfter: null })
      }
      await pause(5)
    }
  }
  const done = Promise.all(Array.from({ length: clients }, (_, n) => client(n)))
  // A contract violation ends the load; `stop` reports it.
  done.catch(() => {})
  return {
    async stop() {
      running = false
      await done
      return sent
    },
  }
}

export interface Accounts {
  sent: number
  acknowledged: number
  refused: number
  /** Requests that got no answer at all (the process died under them). */
  unanswered: number
  /** Answers neither a success nor a 503 with `retry-after` (must be none). */
  unexpected: string[]
  retried: number
  lost: number
  duplicated: number
  found: number
}

/**
 * After the fault: retries every intake that was not acknowledged, with its own key, until
 * it is (the gateway must have recovered by itself), then counts in the database what each
 * ticket became. A ticket acknowledged but absent is lost; a ticket stored twice, or under
 * another id than the one acknowledged, is duplicated.
 */
export async function settle(
  database: Database,
  base: string,
  token: string,
  enterpriseId: string,
  tag: string,
  sent: Sent[],
  refusedCode: string,
  options: { processKilled?: boolean } = {},
): Promise<Accounts> {
  const unexpected = sent
    .filter((s) => !(options.processKilled && s.status === 0))
    .filter(
      (s) =>
        !(
          s.status === 200 ||
          s.status === 201 ||
          (s.status === 503 && s.retryAfter && s.code === refusedCode)
        ),
    )
    .map((s) => `${s.kind} ${s.status} ${s.code ?? ''} retry-after=${s.retryAfter}`)
  const intakes = sent.filter((s) => s.kind === 'intake' && s.externalRef)
  const acknowledged = new Map(
    intakes.filter((s) => s.status === 201).map((s) => [s.externalRef, s.disputeId]),
  )
  let retried = 0
  for (const earlier of intakes.filter((s) => s.status !== 201)) {
    retried++
    let again = await registerComplaint(base, token, enterpriseId, tag, earlier)
    for (let attempt = 0; again.status !== 201 && attempt < 50; attempt++) {
      await pause(200)
      again = await registerComplaint(base, token, enterpriseId, tag, earlier)
    }
    if (again.status !== 201)
      unexpected.push(`retry of ${earlier.externalRef}: ${again.status} ${again.code}`)
  }
  const rows = await database.db
    .selectFrom('disputes')
    .select(['id', 'external_ref'])
    .where('external_ref', 'like', `${tag}-%`)
    .execute()
  const stored = new Map<string, string[]>()
  for (const row of rows) stored.set(row.external_ref, [...(stored.get(row.external_ref) ?? []), row.id])
  let lost = 0
  let duplicated = 0
  for (const [ref, id] of acknowledged) {
    const ids = stored.get(ref as string) ?? []
    if (ids.length === 0) lost++
    else if (ids.length > 1 || ids[0] !== id) duplicated++
  }
  for (const ids of stored.values()) if (ids.length > 1) duplicated++
  return {
    sent: sent.length,
    acknowledged: sent.filter((s) => s.status === 200 || s.status === 201).length,
    refused: sent.filter((s) => s.status === 503).length,
    unanswered: sent.filter((s) => s.status === 0).length,
    unexpected,
    retried,
    lost,
    duplicated,
    found: rows.length,
  }
}

/** The ledger of one fault, one line, for the reader of the test log. */
export function report(fault: string, accounts: Accounts, extra = ''): string {
  return (
    `fault: ${fault}: sent ${accounts.sent}, acknowledged ${accounts.acknowledged}, ` +
    `refused with 503 ${accounts.refused}, ${accounts.unanswered ? `unanswered ${accounts.unanswered}, ` : ''}other ${accounts.unexpected.length}; ` +
    `afterwards ${accounts.retried} unacknowledged intakes retried, ${accounts.found} disputes found: ` +
    `lost ${accounts.lost}, duplicated ${accounts.duplicated}${extra ? `; ${extra}` : ''}`
  )
}

/**
 * Every write left its audit entry and no more: the export verifies (leaf hashes, inclusion
 * proofs, signature, no gap), and there is one `dispute.created` entry per dispute.
 */
export async function auditVerifies(database: Database, base: string, token: string) {
  const answer = await fetch(new URL('/v1/audit/export', base), {
    headers: { authorization: `Bearer ${token}` },
  })
  const bundle = await answer.text()
  const report = await verifyAuditBundle(
    (async function* () {
      yield bundle
    })(),
  )
  const disputes = await database.db
    .selectFrom('disputes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  const created = await database.db
    .selectFrom('timeline_entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'dispute.created')
    .executeTakeFirstOrThrow()
  const entries = await database.db
    .selectFrom('audit_entries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return {
    status: answer.status,
    ok: report.ok,
    entries: Number(entries.n),
    verified: report.entries.verified,
    disputes: Number(disputes.n),
    created: Number(created.n),
  }
}

/** `PRAGMA integrity_check` on SQLite: "ok" when the file is sound. */
export async function integrity(database: Database): Promise<string> {
  const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db)
  return rows.map((row) => row.integrity_check).join('; ')
}
