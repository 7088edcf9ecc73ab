import { isValidInclusion, leafHash, rootFromLeafHashes } from '@hejie/sdk'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { accessToken, as, regulatorCredentials, testUscc } from '../helpers/identity.js'

async function regulatorApp(t: { teardown(fn: () => unknown): void }) {
  const context = await testApp(t)
  const token = await accessToken(context.app, await regulatorCredentials(context.database))
  return { ...context, regulator: as(context.app, token) }
}

const contact = { name: '李娜', phone: '13812345678', email: 'kefu@example.com' }

t.test(`the regulator registers an ODR enterprise (${backend})`, async (t) => {
  const { regulator } = await regulatorApp(t)
  const uscc = testUscc()
  const res = await regulator({
    method: 'POST',
    url: '/v1/enterprises',
    payload: { name: '北京某某视频科技有限公司', uscc, address: '北京市丰台区科学城', contact },
  })
  t.equal(res.statusCode, 201)
  t.match(res.json(), {
    id: /^ent_[0-9a-z]{26}$/,
    object: 'enterprise',
    uscc,
    odr_status: 'active',
    contact: { name: '李娜', phone: '13812345678', email: 'kefu@example.com' },
    created_at: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
  })
  const fetched = await regulator({ url: `/v1/enterprises/${res.json().id}` })
  t.same(fetched.json(), res.json())
})

t.test('a credit code with a wrong check character is refused and nothing is created', async (t) => {
  const { regulator, database } = await regulatorApp(t)
  const valid = testUscc()
  const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0')
  const res = await regulator({
    method: 'POST',
    url: '/v1/enterprises',
    payload: { name: 'x', uscc: wrong, contact },
  })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { code: 'validation_failed', errors: [{ path: 'body/uscc', message: /check/ }] })
  t.equal((await database.db.selectFrom('enterprises').selectAll().execute()).length, 0)
})

t.test('a second enterprise with the same credit code is a 409 naming the first', async (t) => {
  const { regulator } = await regulatorApp(t)
  const uscc = testUscc()
  const first = await regulator({
    method: 'POST',
    url: '/v1/enterprises',
    payload: { name: 'a', uscc, contact },
  })
  const second = await regulator({
    method: 'POST',
    url: '/v1/enterprises',
    payload: { name: 'b', uscc, contact },
  })
  t.equal(second.statusCode, 409)
  t.match(second.json(), { code: 'conflict', existing_id: first.json().id })
})

t.test(
  'an idempotent create replays the first response and a reused key with another body is refused',
  async (t) => {
    const { regulator, database } = await regulatorApp(t)
    const payload = { name: '某某电商', uscc: testUscc(), contact }
    const headers = { 'idempotency-key': 'intake-2026-11-28-001' }
    const first = await regulator({ method: 'POST', url: '/v1/enterprises', payload, headers })
    const again = await regulator({ method: 'POST', url: '/v1/enterprises', payload, headers })
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.same(again.json(), first.json())
    const other = await regulator({
      method: 'POST',
      url: '/v1/enterprises',
      payload: { ...payload, name: 'other' },
      headers,
    })
    t.equal(other.statusCode, 422)
    t.equal(other.json().code, 'idempotency_key_reused')
    t.equal((await database.db.selectFrom('enterprises').selectAll().execute()).length, 1)
  },
)

t.test('suspending and exiting an enterprise; an exit is final', async (t) => {
  const { regulator } = await regulatorApp(t)
  const created = await regulator({
    method: 'POST',
    url: '/v1/enterprises',
    payload: { name: 'x', uscc: testUscc(), contact },
  })
  const id = created.json().id
  const suspended = await regulator({
    method: 'PATCH',
    url: `/v1/enterprises/${id}`,
    payload: { odr_status: 'suspended' },
  })
  t.equal(suspended.json().odr_status, 'suspended')
  const exited = await regulator({
    method: 'PATCH',
    url: `/v1/enterprises/${id}`,
    payload: { odr_status: 'exited' },
  })
  t.equal(exited.json().odr_status, 'exited')
  const back = await regulator({
    method: 'PATCH',
    url: `/v1/enterprises/${id}`,
    payload: { odr_status: 'active' },
  })
  t.equal(back.statusCode, 409)
  const empty = await regulator({ method: 'PATCH', url: `/v1/enterprises/${id}`, payload: {} })
  t.equal(empty.statusCode, 400, 'an empty patch is refused')
})

t.test('the enterprise list pages newest first without skipping or repeating', async (t) => {
  const { regulator } = await regulatorApp(t)
  const ids: string[] = []
  for (let i = 0; i < 7; i++) {
    const res = await regulator({
      method: 'POST',
      url: '/v1/enterprises',
      payload: { name: `e${i}`, uscc: testUscc(), contact },
    })
    ids.push(res.json().id)
  }
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const page = await regulator({ url: `/v1/enterprises?limit=3${cursor ? `&cursor=${cursor}` : ''}` })
    seen.push(...page.json().data.map((e: { id: string }) => e.id))
    cursor = page.json().next_cursor
  } while (cursor)
  t.same(seen, [...ids].reverse())
})

t.test(
  'every enterprise and client change is committed to the audit log, gap-free and provable',
  async (t) => {
    const { regulator, database } = await regulatorApp(t)
    const created = await regulator({
      method: 'POST',
      url: '/v1/enterprises',
      payload: { name: 'x', uscc: testUscc(), contact },
    })
    await regulator({ method: 'PATCH', url: `/v1/enterprises/${created.json().id}`, payload: { name: 'y' } })
    await regulator({
      method: 'POST',
      url: `/v1/enterprises/${created.json().id}/clients`,
      payload: { name: 'crm' },
    })
    await regulator({
      method: 'POST',
      url: '/v1/enterprises',
      payload: { name: 'bad', uscc: '123', contact },
    })

    const entries = await database.db.selectFrom('audit_entries').selectAll().orderBy('leaf_index').execute()
    const actions = entries.map((row) => JSON.parse(Buffer.from(row.canonical).toString()).action)
    t.same(
      actions,
      ['client.created', 'enterprise.created', 'enterprise.updated', 'client.created'],
      'a refused write adds nothing',
    )
    t.same(
      entries.map((row) => Number(row.leaf_index)),
      [0, 1, 2, 3],
    )
    const leaves = entries.map((row) => leafHash(new Uint8Array(row.canonical)))
    t.same(
      leaves.map((hash) => Buffer.from(hash).toString('hex')),
      entries.map((row) => Buffer.from(row.leaf_hash).toString('hex')),
    )
    const root = rootFromLeafHashes(leaves)
    const [level2] = await database.db
      .selectFrom('audit_nodes')
      .select('hash')
      .where('level', '=', 2)
      .where('position', '=', 0)
      .execute()
    t.same(
      Buffer.from(level2?.hash ?? []).toString('hex'),
      Buffer.from(root).toString('hex'),
      'the stored subtree is the root',
    )
    const siblings = await database.db.selectFrom('audit_nodes').selectAll().execute()
    const node = (level: number, position: number) => {
      const found = siblings.find((row) => row.level === level && Number(row.position) === position)
      return new Uint8Array(found?.hash ?? [])
    }
    t.ok(
      isValidInclusion({
        leafHash: leaves[2] ?? new Uint8Array(),
        leafIndex: 2,
        treeSize: 4,
        proof: [node(0, 3), node(1, 0)],
        rootHash: root,
      }),
      'an entry is provably in the tree',
    )
  },
)
