import t from 'tap'
import { problem } from '../../src/errors.js'
import { rootJurisdiction } from '../../src/services/jurisdictions/tree.js'
import { runWrite } from '../../src/services/write/index.js'
import { backend, freshDatabase } from '../helpers/database.js'

const actor = { role: 'operator' as const, clientId: 'test', enterpriseId: null }

t.test(`concurrent writes commit together, and one that fails rolls back alone (${backend})`, async (t) => {
  const database = await freshDatabase(t)
  const root = await rootJurisdiction(database.db)
  const outcomes = await Promise.allSettled(
    Array.from({ length: 40 }, (_, i) =>
      runWrite(database, { actor, requestId: `r${i}` }, async (tx) => {
        tx.audit({ action: 'test.write', objectId: `obj_${i}`, jurisdictionId: root.id, state: { i } })
        if (i % 7 === 3)
          throw problem('unprocessable', { en: `write ${i} is refused`, zh: `第 ${i} 次写入被拒绝` })
        return { status: 201, body: i }
      }),
    ),
  )
  const refused = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [i] : []))
  t.same(refused, [3, 10, 17, 24, 31, 38], 'exactly the refused writes fail')
  const entries = await database.db
    .selectFrom('audit_entries')
    .select(['leaf_index', 'canonical'])
    .orderBy('leaf_index')
    .execute()
  const written = entries.map((row) => JSON.parse(Buffer.from(row.canonical).toString()).object_id as string)
  t.equal(entries.length, 34, 'every acknowledged write is there, no refused one')
  t.notOk(written.some((id) => refused.map((i) => `obj_${i}`).includes(id)))
  t.same(
    entries.map((row) => Number(row.leaf_index)),
    Array.from({ length: 34 }, (_, i) => i),
    'indices stay gap-free across rolled-back writes',
  )
})
