import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import t from 'tap'
import type { StatsGrouping } from '../../src/schemas/stats.js'
import { countIndicators } from '../../src/services/stats/aggregate.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

const run = promisify(execFile)

if (backend === 'postgres') {
  t.test('PostgreSQL has no read workers: its server runs every statement itself', async (t) => {
    const { database } = await testApp(t)
    t.equal(database.readWorkers, undefined)
  })
} else {
  t.test('a report read in parts on the read workers counts what one statement counts', async (t) => {
    const { app, database } = await testApp(t)
    t.ok(database.readWorkers, 'a SQLite file has read workers')
    const regulatorToken = await accessToken(app, await regulatorCredentials(database))
    const enterprises = [
      await enrolEnterprise(app, regulatorToken, '北京爱看视频科技有限公司'),
      await enrolEnterprise(app, regulatorToken, '北京优品电商有限公司'),
    ]
    const ids: string[] = []
    for (let i = 0; i < 48; i++) {
      ids.push((await intakeDispute(app, regulatorToken, (enterprises[i % 2] as { id: string }).id)).id)
    }
    // A year of disputes in every state, each assigned at a time of its own, with the columns
    // the counts read set from a fixed pseudo-random sequence.
    const states = [
      ['assigned', null],
      ['in_progress', null],
      ['closed', 'settled'],
      ['closed', 'mediated'],
      ['escalated', null],
      ['returned', null],
      ['closed', 'withdrawn'],
      ['closed', 'rejected'],
    ] as const
    let seed = 7
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed % n
    }
    for (const [i, id] of ids.entries()) {
      const assigned = Date.parse('2025-06-01T00:00:00.000Z') + (i % 40) * 9 * 86_400_000 + next(86_400_000)
      const [status, resolution] = states[next(states.length)] as (typeof states)[number]
      await database.db
        .updateTable('disputes')
        .set({
          assigned_at: new Date(assigned).toISOString(),
          respond_by: new Date(assigned + 10 * 86_400_000).toISOString(),
          status,
          resolution,
          accepted_at: next(3) === 0 ? null : new Date(assigned + 3_600_000).toISOString(),
          first_contact_at: next(2) === 0 ? null : new Date(assigned + next(20) * 86_400_000).toISOString(),
          escalated_at: next(3) === 0 ? new Date(assigned + 86_400_000).toISOString() : null,
          overdue: next(4) === 0 ? 1 : 0,
          refunded_amount: next(3) * 2_700,
          urge_count: next(3),
          feedback_satisfaction: [null, 'satisfied', 'basically_satisfied', 'dissatisfied'][next(4)] ?? null,
          feedback_resolved: resolution === 'settled' ? next(2) : null,
          handling_ms: resolution === 'settled' ? next(1_000_000) : null,
          resolution_ms: resolution === 'settled' || resolution === 'mediated' ? next(5_000_000) : null,
          problem_type: ['contract', 'quality', 'false_advertising'][next(3)] ?? 'contract',
        })
        .where('id', '=', id)
        .execute()
    }

    const oneStatement = { db: database.db, dialect: database.dialect }
    const windows = [
      { from: null, to: '2027-01-01T00:00:00.000Z' },
      { from: '2025-09-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
      { from: '2025-06-01T00:00:00.000Z', to: '2025-06-02T00:00:00.000Z' },
      { from: '2030-01-01T00:00:00.000Z', to: '2030-02-01T00:00:00.000Z' },
    ]
    const groupings: (StatsGrouping | null)[] = [null, 'enterprise', 'month', 'problem_type', 'assignee']
    for (const window of windows) {
      for (const groupBy of groupings) {
        const filter = {
          ...window,
          enterpriseId: null,
          jurisdictionId: null,
          groupBy,
          now: '2026-03-01T00:00:00.000Z',
        }
        const inParts = await countIndicators(database, filter)
        const whole = await countIndicators(oneStatement, filter)
        t.same(inParts, whole, `${groupBy ?? 'totals'} over ${window.from ?? 'all'} … ${window.to}`)
      }
    }
    const all = { from: null, to: '2027-01-01T00:00:00.000Z', now: '2026-03-01T00:00:00.000Z' }
    const [totals] = await countIndicators(database, {
      ...all,
      enterpriseId: null,
      jurisdictionId: null,
      groupBy: null,
    })
    t.equal(totals?.counts.received, 48, 'every dispute counted once')
  })

  t.test('a long read on the read workers leaves the event loop free', async (t) => {
    const { database } = await testApp(t)
    const workers = database.readWorkers
    if (!workers) throw new Error('no read workers')
    // A statement that counts to three million takes a good part of a second; a timer of the
    // event loop must fire while it runs.
    const read = workers.all([
      {
        sql: 'with recursive n(i) as (select 1 union all select i + 1 from n where i < 3000000) select count(*) as c from n',
        parameters: [],
      },
    ])
    let readDone = false
    void read.then(() => {
      readDone = true
    })
    await new Promise((resolve) => setTimeout(resolve, 5))
    t.notOk(readDone, 'the timer fired before the read was done')
    t.same(await read, [[{ c: 3_000_000 }]])
  })

  t.test('a process that only waits for a read on the workers stays until its answer', async (t) => {
    // The workers are unreferenced while idle, so that they keep no server from exiting; a
    // read in flight must hold the process, or a script asking for a report would end first.
    const readWorkers = new URL('../../dist/storage/read-workers.js', import.meta.url).href
    const script = `
      const { ReadWorkers } = await import(${JSON.stringify(readWorkers)})
      const workers = new ReadWorkers(process.argv[2], 1000)
      workers.all([{ sql: 'select 6 * 7 as answer', parameters: [] }]).then(([rows]) => {
        console.log(JSON.stringify(rows))
        return workers.close()
      })`
    const directory = t.testdir({ 'ask.mjs': script })
    const path = join(directory, 'read.db')
    new SQLite(path).close()
    const { stdout } = await run(process.execPath, [join(directory, 'ask.mjs'), path])
    t.equal(stdout.trim(), '[{"answer":42}]')
  })

  t.test('a failed read rejects with SQLite’s message and code, and the workers go on', async (t) => {
    const { database } = await testApp(t)
    const workers = database.readWorkers
    if (!workers) throw new Error('no read workers')
    await t.rejects(workers.all([{ sql: 'select * from no_such_table', parameters: [] }]), {
      message: /no such table: no_such_table/,
      code: 'SQLITE_ERROR',
    })
    await t.rejects(
      workers.all([{ sql: "insert into disputes (id) values ('x') returning id", parameters: [] }]),
      {
        code: 'SQLITE_READONLY',
      },
    )
    const [rows] = await workers.all([{ sql: 'select count(*) as c from disputes', parameters: [] }])
    t.same(rows, [{ c: 0 }])
    t.equal((await sql<{ c: number }>`select count(*) as c from disputes`.execute(database.db)).rows[0]?.c, 0)
  })
}
