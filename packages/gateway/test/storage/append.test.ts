import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import t from 'tap'
import { canonicalBytes } from '../../src/domain/canonical-json.js'
import { merkle } from '../../src/services/audit/merkle.js'
import { runDisputeWrite } from '../../src/services/disputes/timeline-write.js'
import { rootJurisdiction } from '../../src/services/jurisdictions/tree.js'
import { backend, freshDatabase, type TestDatabase } from '../helpers/database.js'

const actor = { role: 'enterprise' as const, clientId: 'cli_test', enterpriseId: 'ent_test' }

function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest()
}

/** One dispute write: two audit entries (one with personal data and evidence) and two events. */
function write(database: TestDatabase, jurisdictionId: string, i: number) {
  return runDisputeWrite(database, { actor, requestId: `req_${i}` }, async (tx) => {
    const disputeId = `dsp_${i % 7}`
    tx.audit({
      action: 'contact.recorded',
      objectId: `con_${i}`,
      disputeId,
      enterpriseId: 'ent_test',
      jurisdictionId,
      state: { i, note: '联系了消费者' },
      personalData: { phone: `1380013${String(i).padStart(4, '0')}` },
      details: { channel: 'phone' },
      evidence: [{ file_id: `fil_${i}`, sha256: sha256(Buffer.from(`file ${i}`)).toString('hex') }],
    })
    tx.audit({ action: 'dispute.updated', objectId: disputeId, disputeId, jurisdictionId, state: { i } })
    tx.emit({
      type: 'settlement.recorded',
      enterpriseId: 'ent_test',
      jurisdictionId,
      disputeId,
      object: { i },
    })
    tx.emit({
      type: 'dispute.updated',
      enterpriseId: 'ent_test',
      jurisdictionId,
      disputeId,
      object: { i, 文: '和解' },
    })
    return { status: 201, body: i }
  })
}

t.test(
  `concurrent writes leave entries, Merkle nodes, salts, timeline lines and events exactly as the log's rules recompute them (${backend})`,
  async (t) => {
    const database = await freshDatabase(t)
    const root = await rootJurisdiction(database.db)
    const writes = 60
    await Promise.all(Array.from({ length: writes }, (_, i) => write(database, root.id, i)))

    const entries = await database.db.selectFrom('audit_entries').selectAll().orderBy('leaf_index').execute()
    t.same(
      entries.map((row) => Number(row.leaf_index)),
      Array.from({ length: writes * 2 }, (_, i) => i),
      'indices are gap-free',
    )
    const parsed = entries.map((row) => JSON.parse(Buffer.from(row.canonical).toString('utf8')))
    t.ok(
      entries.every(
        (row, i) => parsed[i].index === Number(row.leaf_index) && parsed[i].at === row.created_at,
      ),
      "each entry's JSON holds its own index and time",
    )
    t.ok(
      entries.every((row, i) => Buffer.from(row.canonical).equals(canonicalBytes(parsed[i]))),
      'each entry is stored as RFC 8785 JSON',
    )
    t.ok(
      entries.every((row) =>
        Buffer.from(row.leaf_hash).equals(Buffer.from(merkle.leafHash(new Uint8Array(row.canonical)))),
      ),
      'each leaf hash is SHA-256(0x00 ‖ entry)',
    )

    const expected = new Map<string, Uint8Array>()
    for (const row of entries) {
      const completed = await merkle.nodesCompletedBy(Number(row.leaf_index), new Uint8Array(row.leaf_hash), {
        get: async (level, position) => expected.get(`${level}:${position}`) as Uint8Array,
      })
      for (const node of completed) expected.set(`${node.level}:${node.position}`, node.hash)
    }
    const stored = await database.db.selectFrom('audit_nodes').selectAll().execute()
    t.equal(stored.length, expected.size, 'as many stored nodes as the tree completes')
    t.ok(
      stored.every((node) =>
        Buffer.from(node.hash).equals(
          Buffer.from(expected.get(`${node.level}:${Number(node.position)}`) ?? []),
        ),
      ),
      'every stored node is the hash the tree gives it',
    )

    const salts = await database.db.selectFrom('audit_salts').selectAll().orderBy('leaf_index').execute()
    t.equal(salts.length, writes, 'a salt for each entry with personal data')
    t.ok(
      salts.every((salt) => {
        const entry = parsed[Number(salt.leaf_index)]
        const phone = `1380013${entry.object_id.slice(4).padStart(4, '0')}`
        return (
          entry.personal_data_commitment === sha256(salt.salt, canonicalBytes({ phone })).toString('hex') &&
          salt.dispute_id === entry.dispute_id
        )
      }),
      'each salt commits its entry to its personal data',
    )

    const timeline = await database.db
      .selectFrom('timeline_entries')
      .selectAll()
      .orderBy('leaf_index')
      .execute()
    t.same(
      timeline.map((line) => [
        Number(line.leaf_index),
        line.dispute_id,
        line.action,
        line.at,
        line.object_id,
      ]),
      parsed.map((entry) => [entry.index, entry.dispute_id, entry.action, entry.at, entry.object_id]),
      'a timeline line for each entry, under its index',
    )
    t.same(JSON.parse(timeline[0]?.actor ?? 'null'), parsed[0].actor, "a line names the entry's actor")

    const events = await database.db.selectFrom('events').selectAll().orderBy('sequence').execute()
    t.same(
      events.map((row) => Number(row.sequence)),
      Array.from({ length: writes * 2 }, (_, i) => i + 1),
      'event sequences are gap-free from 1',
    )
    t.ok(
      events.every((row) => {
        const data = JSON.parse(row.data)
        return (
          data.sequence === Number(row.sequence) && data.created_at === row.created_at && data.id === row.id
        )
      }),
      "each event's envelope holds its own sequence, time and id",
    )
    t.ok(
      events.some((row) => JSON.parse(row.data).data.object.文 === '和解'),
      'text beyond ASCII is kept as written',
    )
  },
)

t.test(
  `on PostgreSQL a write appends in the database, through hejie_append; on SQLite from the gateway (${backend})`,
  async (t) => {
    const database = await freshDatabase(t)
    const root = await rootJurisdiction(database.db)
    if (database.dialect === 'postgres') {
      await sql`drop function hejie_append(jsonb)`.execute(database.db)
      await t.rejects(
        write(database, root.id, 0),
        { code: '42883' },
        'without the function no write can append',
      )
    } else {
      t.equal((await write(database, root.id, 0)).body, 0, 'the write commits: group commit appends it')
    }
    const entries = await database.db.selectFrom('audit_entries').select('leaf_index').execute()
    t.equal(entries.length, database.dialect === 'postgres' ? 0 : 2, 'and nothing of a failed write is kept')
  },
)
