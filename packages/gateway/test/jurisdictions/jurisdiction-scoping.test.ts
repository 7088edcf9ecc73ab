import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { complaint, intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'
import { addNode } from '../helpers/jurisdictions.js'

interface Teardown {
  teardown(fn: () => unknown): void
}

/**
 * A city bureau with two districts, a station under the first, a regulator at each node,
 * an enterprise registered at each district, and a dispute received at each node but the
 * city. Every regulator-readable route is then read by every regulator.
 */
async function setUpCity(t: Teardown) {
  const { app, database } = await testApp(t)
  const cityToken = await accessToken(app, await regulatorCredentials(database))
  const cityId = (await as(app, cityToken)({ method: 'GET', url: '/v1/me' })).json().jurisdiction.id as string
  await as(
    app,
    cityToken,
  )({
    method: 'PATCH',
    url: `/v1/jurisdictions/${cityId}`,
    payload: { name: '北京市市场监督管理局', code: '110000' },
  })
  const fengtai = await addNode(app, cityToken, {
    name: '丰台区市场监督管理局',
    code: '110106',
    level: 'district',
  })
  const chaoyang = await addNode(app, cityToken, {
    name: '朝阳区市场监督管理局',
    code: '110105',
    level: 'district',
  })
  const lugouqiao = await addNode(app, fengtai.regulator.token, {
    name: '卢沟桥市场监督管理所',
    code: '110106001',
    level: 'station',
    parent_id: fengtai.id,
  })
  const video = await enrolEnterprise(app, fengtai.regulator.token, '某视频平台')
  const shop = await enrolEnterprise(app, chaoyang.regulator.token, '某电商平台')
  const disputes = {
    fengtai: await intakeDispute(app, fengtai.regulator.token, video.id),
    lugouqiao: await intakeDispute(app, lugouqiao.regulator.token, video.id),
    chaoyang: await intakeDispute(app, chaoyang.regulator.token, shop.id),
  }
  const regulators = {
    city: { id: cityId, token: cityToken },
    fengtai: { id: fengtai.id, token: fengtai.regulator.token },
    lugouqiao: { id: lugouqiao.id, token: lugouqiao.regulator.token },
    chaoyang: { id: chaoyang.id, token: chaoyang.regulator.token },
  }
  return { app, database, regulators, nodes: { fengtai, chaoyang, lugouqiao }, video, shop, disputes }
}

type City = Awaited<ReturnType<typeof setUpCity>>
type Who = keyof City['regulators']

/** Which disputes each regulator must see: its node's and those below, nothing else. */
const sees: Record<Who, (keyof City['disputes'])[]> = {
  city: ['fengtai', 'lugouqiao', 'chaoyang'],
  fengtai: ['fengtai', 'lugouqiao'],
  lugouqiao: ['lugouqiao'],
  chaoyang: ['chaoyang'],
}
const everyone = Object.keys(sees) as Who[]
const allDisputes = ['fengtai', 'lugouqiao', 'chaoyang'] as const

/** Every item of a list, page by page; `pageParameter` names what the next page is asked with. */
async function listAll(
  app: FastifyInstance,
  token: string,
  url: string,
  pageParameter = 'cursor',
  first: string | null = null,
) {
  const items: ({ id: string } & Record<string, unknown>)[] = []
  let next = first
  let more = true
  while (more) {
    const separator = url.includes('?') ? '&' : '?'
    const page = await as(
      app,
      token,
    )({
      method: 'GET',
      url: `${url}${separator}limit=100${next ? `&${pageParameter}=${next}` : ''}`,
    })
    if (page.statusCode !== 200) throw new Error(`${url}: ${page.statusCode} ${page.body}`)
    items.push(...page.json().data)
    next = page.json().next_cursor
    more = page.json().has_more
  }
  return items
}

t.test(`each regulator reads the disputes of its subtree and no other (${backend})`, async (t) => {
  const c = await setUpCity(t)
  for (const who of everyone) {
    const { token } = c.regulators[who]
    const listed = (await listAll(c.app, token, '/v1/disputes')).map((d) => d.id).sort()
    t.same(listed, sees[who].map((name) => c.disputes[name].id).sort(), `${who} lists its subtree's disputes`)
    for (const name of allDisputes) {
      const id = c.disputes[name].id
      const visible = sees[who].includes(name)
      for (const path of [`/v1/disputes/${id}`, `/v1/disputes/${id}/timeline`]) {
        const res = await as(c.app, token)({ method: 'GET', url: path })
        t.equal(res.statusCode, visible ? 200 : 404, `${who} GET ${path.replace(id, name)}`)
        if (!visible) t.equal(res.json().code, 'not_found')
      }
      const withdraw = await as(
        c.app,
        token,
      )({
        method: 'POST',
        url: `/v1/disputes/${id}/withdraw`,
        headers: { 'if-match': '"999"' },
        payload: {},
      })
      // Inside the subtree the stale version is what stops it; outside, the dispute is not there.
      t.equal(withdraw.statusCode, visible ? 412 : 404, `${who} withdraw ${name}`)
    }
  }
})

t.test(
  `a dispute carries where it was received, and intake stays inside the caller's subtree (${backend})`,
  async (t) => {
    const c = await setUpCity(t)
    t.equal(c.disputes.fengtai.jurisdiction_id, c.nodes.fengtai.id, 'the caller’s own node by default')
    const fengtai = as(c.app, c.regulators.fengtai.token)
    const atStation = await intakeDispute(c.app, c.regulators.fengtai.token, c.video.id, {
      jurisdiction_id: c.nodes.lugouqiao.id,
    })
    t.equal(atStation.jurisdiction_id, c.nodes.lugouqiao.id, 'a node below the caller may be named')
    for (const elsewhere of [c.nodes.chaoyang.id, c.regulators.city.id, 'jur_nosuchnode']) {
      const res = await fengtai({
        method: 'POST',
        url: '/v1/disputes',
        payload: complaint(c.video.id, { jurisdiction_id: elsewhere }),
      })
      t.equal(res.statusCode, 404, `intake at ${elsewhere} is refused as not found`)
    }
    const filtered = await listAll(
      c.app,
      c.regulators.city.token,
      `/v1/disputes?jurisdiction_id=${c.nodes.fengtai.id}`,
    )
    t.same(
      filtered.map((d) => d.id).sort(),
      [c.disputes.fengtai.id, c.disputes.lugouqiao.id, atStation.id].sort(),
      'the jurisdiction filter takes the node and everything below it',
    )
    const outside = await as(
      c.app,
      c.regulators.fengtai.token,
    )({
      method: 'GET',
      url: `/v1/disputes?jurisdiction_id=${c.nodes.chaoyang.id}`,
    })
    t.equal(outside.statusCode, 404, 'filtering by a node outside the subtree is not found, as in stats')
  },
)

t.test(
  `the enterprise directory is read by all, managed only inside the registering subtree (${backend})`,
  async (t) => {
    const c = await setUpCity(t)
    const chaoyang = as(c.app, c.regulators.chaoyang.token)
    const read = await chaoyang({ method: 'GET', url: `/v1/enterprises/${c.video.id}` })
    t.equal(read.statusCode, 200, 'a neighbour district reads the directory entry')
    t.equal(read.json().jurisdiction_id, c.nodes.fengtai.id, 'and sees where it is registered')
    const listed = (await listAll(c.app, c.regulators.chaoyang.token, '/v1/enterprises')).map((e) => e.id)
    t.ok(listed.includes(c.video.id) && listed.includes(c.shop.id), 'the directory lists every enterprise')
    const denied = [
      await chaoyang({
        method: 'PATCH',
        url: `/v1/enterprises/${c.video.id}`,
        payload: { odr_status: 'suspended' },
      }),
      await chaoyang({
        method: 'POST',
        url: `/v1/enterprises/${c.video.id}/clients`,
        payload: { name: 'x' },
      }),
      await chaoyang({ method: 'GET', url: `/v1/enterprises/${c.video.id}/clients` }),
    ]
    t.same(
      denied.map((res) => res.statusCode),
      [404, 404, 404],
      'changing it, giving it clients or listing them is not found outside',
    )
    const station = as(c.app, c.regulators.lugouqiao.token)
    const fromBelow = await station({
      method: 'PATCH',
      url: `/v1/enterprises/${c.video.id}`,
      payload: { name: 'x' },
    })
    t.equal(fromBelow.statusCode, 404, 'a station does not manage its district’s enterprise')
    const city = as(c.app, c.regulators.city.token)
    const fromAbove = await city({
      method: 'PATCH',
      url: `/v1/enterprises/${c.video.id}`,
      payload: { name: '某视频平台（北京）' },
    })
    t.equal(fromAbove.statusCode, 200, 'the city manages every district’s enterprise')
    const after = await as(
      c.app,
      c.regulators.fengtai.token,
    )({ method: 'GET', url: `/v1/enterprises/${c.video.id}` })
    t.equal(after.json().name, '某视频平台（北京）')
  },
)

t.test(`API clients are managed down the tree, never up or across (${backend})`, async (t) => {
  const c = await setUpCity(t)
  const fengtai = as(c.app, c.regulators.fengtai.token)
  const clients = await listAll(c.app, c.regulators.fengtai.token, '/v1/clients')
  const jurisdictions = new Set(clients.map((client) => client.jurisdiction_id as string))
  t.same(
    [...jurisdictions].sort(),
    [c.nodes.fengtai.id, c.nodes.lugouqiao.id].sort(),
    'its node and below only',
  )
  const chaoyangClients = await listAll(c.app, c.regulators.chaoyang.token, '/v1/clients')
  for (const client of chaoyangClients) {
    const res = await fengtai({ method: 'DELETE', url: `/v1/clients/${client.id}` })
    t.equal(res.statusCode, 404, 'a neighbour’s client cannot be revoked')
  }
  for (const target of [c.regulators.city.id, c.nodes.chaoyang.id]) {
    const res = await fengtai({
      method: 'POST',
      url: '/v1/clients',
      payload: { name: 'x', jurisdiction_id: target },
    })
    t.equal(res.statusCode, 404, 'a regulator client above or beside the caller cannot be made')
  }
  const below = await fengtai({
    method: 'POST',
    url: '/v1/clients',
    payload: { name: '卢沟桥所 第二终端', jurisdiction_id: c.nodes.lugouqiao.id },
  })
  t.equal(below.statusCode, 201)
  const token = await accessToken(c.app, {
    clientId: below.json().client_id,
    clientSecret: below.json().client_secret,
  })
  const me = await as(c.app, token)({ method: 'GET', url: '/v1/me' })
  t.equal(me.json().jurisdiction.code, '110106001', 'the new client sees from the station')
})

t.test(`stats count the caller's subtree and group by jurisdiction (${backend})`, async (t) => {
  const c = await setUpCity(t)
  for (const who of everyone) {
    const res = await as(c.app, c.regulators[who].token)({ method: 'GET', url: '/v1/stats' })
    t.equal(res.json().data[0].received, sees[who].length, `${who} counts its subtree`)
  }
  const grouped = await as(
    c.app,
    c.regulators.city.token,
  )({ method: 'GET', url: '/v1/stats?group_by=jurisdiction' })
  const byNode = Object.fromEntries(
    grouped.json().data.map((g: { group: string; received: number }) => [g.group, g.received]),
  )
  t.same(byNode, { [c.nodes.fengtai.id]: 1, [c.nodes.lugouqiao.id]: 1, [c.nodes.chaoyang.id]: 1 })
  const narrowed = await as(
    c.app,
    c.regulators.city.token,
  )({
    method: 'GET',
    url: `/v1/stats?jurisdiction_id=${c.nodes.fengtai.id}`,
  })
  t.equal(narrowed.json().data[0].received, 2, 'a node and below')
  const across = await as(
    c.app,
    c.regulators.fengtai.token,
  )({
    method: 'GET',
    url: `/v1/stats?jurisdiction_id=${c.nodes.chaoyang.id}`,
  })
  t.equal(across.statusCode, 404, 'a node outside the subtree is not found')
})

t.test(`the event feed and regulator webhooks carry the subtree's events only (${backend})`, async (t) => {
  const c = await setUpCity(t)
  const disputeOf = (event: { data: { object: { id?: string } } }) => event.data.object.id
  for (const who of everyone) {
    const events = (await listAll(c.app, c.regulators[who].token, '/v1/events', 'after')) as unknown as {
      type: string
      data: { object: { id?: string } }
    }[]
    const about = new Set(events.filter((e) => e.type.startsWith('dispute.')).map(disputeOf))
    t.same([...about].sort(), sees[who].map((name) => c.disputes[name].id).sort(), `${who}'s feed`)
  }
  // An endpoint per district, then one more dispute in each district.
  const endpoint = async (who: Who) => {
    const res = await as(
      c.app,
      c.regulators[who].token,
    )({
      method: 'POST',
      url: '/v1/webhook-endpoints',
      payload: { url: `https://${who}.example.com/hooks`, event_types: ['dispute.assigned'] },
    })
    if (res.statusCode !== 201) throw new Error(res.body)
    return res.json().id as string
  }
  const endpoints = {
    city: await endpoint('city'),
    fengtai: await endpoint('fengtai'),
    chaoyang: await endpoint('chaoyang'),
  }
  const inFengtai = await intakeDispute(c.app, c.regulators.lugouqiao.token, c.video.id)
  const inChaoyang = await intakeDispute(c.app, c.regulators.chaoyang.token, c.shop.id)
  const delivered = async (endpointId: string) => {
    const rows = await c.database.db
      .selectFrom('webhook_deliveries as w')
      .innerJoin('events as e', 'e.id', 'w.event_id')
      .select('e.dispute_id')
      .where('w.endpoint_id', '=', endpointId)
      .execute()
    return rows.map((row) => row.dispute_id).sort()
  }
  t.same(
    await delivered(endpoints.city),
    [inFengtai.id, inChaoyang.id].sort(),
    'the city hears both districts',
  )
  t.same(await delivered(endpoints.fengtai), [inFengtai.id], 'Fengtai hears its station, not Chaoyang')
  t.same(await delivered(endpoints.chaoyang), [inChaoyang.id], 'Chaoyang hears itself only')
  const foreign = await as(
    c.app,
    c.regulators.fengtai.token,
  )({
    method: 'GET',
    url: `/v1/webhook-endpoints/${endpoints.chaoyang}`,
  })
  t.equal(foreign.statusCode, 404, 'another district’s endpoint is not found')
  const own = await listAll(c.app, c.regulators.fengtai.token, '/v1/webhook-endpoints')
  t.same(
    own.map((e) => e.id),
    [endpoints.fengtai],
    'a district lists its own endpoints, not the city’s',
  )
})

t.test(`audit entries, proofs and exports are read per subtree (${backend})`, async (t) => {
  const c = await setUpCity(t)
  const entries = async (who: Who) =>
    (await listAll(c.app, c.regulators[who].token, '/v1/audit/entries', 'start', '0')) as unknown as {
      index: number
      entry: { dispute_id?: string }
    }[]
  const cityEntries = await entries('city')
  const chaoyangEntry = cityEntries.find((e) => e.entry.dispute_id === c.disputes.chaoyang.id)
  t.ok(chaoyangEntry, 'the city reads Chaoyang’s entries')
  for (const who of everyone) {
    const disputes = new Set((await entries(who)).map((e) => e.entry.dispute_id).filter(Boolean))
    t.same([...disputes].sort(), sees[who].map((name) => c.disputes[name].id).sort(), `${who}'s entries`)
  }
  // The city reads every entry, so its last one tells the size of the log.
  const treeSize = (cityEntries.at(-1)?.index ?? 0) + 1
  const proof = await as(
    c.app,
    c.regulators.fengtai.token,
  )({
    method: 'GET',
    url: `/v1/audit/proofs/inclusion?leaf_index=${chaoyangEntry?.index}&tree_size=${treeSize}`,
  })
  t.equal(proof.statusCode, 404, 'no inclusion proof of a neighbour’s entry')
  const exported = await as(c.app, c.regulators.fengtai.token)({ method: 'GET', url: '/v1/audit/export' })
  const lines = exported.body
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
  t.equal(lines[0].jurisdiction_id, c.nodes.fengtai.id, 'the manifest names the subtree exported')
  const whole = await as(c.app, c.regulators.city.token)({ method: 'GET', url: '/v1/audit/export' })
  t.equal(JSON.parse(whole.body.split('\n')[0] ?? '').jurisdiction_id, null, 'the city exports the whole log')
  const exportedDisputes = new Set(
    lines
      .filter((line) => line.type === 'entry')
      .map((line) => line.entry.dispute_id)
      .filter(Boolean),
  )
  t.same([...exportedDisputes].sort(), sees.fengtai.map((name) => c.disputes[name].id).sort())
})

t.test(`the tree is read and managed from above, never from beside or below (${backend})`, async (t) => {
  const c = await setUpCity(t)
  const listed = await listAll(c.app, c.regulators.fengtai.token, '/v1/jurisdictions')
  t.same(
    listed.map((j) => j.id),
    [c.nodes.fengtai.id, c.nodes.lugouqiao.id],
    'its subtree, parents first',
  )
  const whole = await listAll(c.app, c.regulators.city.token, '/v1/jurisdictions')
  t.equal(whole[0]?.id, c.regulators.city.id, 'the root comes first')
  t.equal(whole.length, 4)
  const fengtai = as(c.app, c.regulators.fengtai.token)
  t.equal((await fengtai({ method: 'GET', url: `/v1/jurisdictions/${c.nodes.chaoyang.id}` })).statusCode, 404)
  const underNeighbour = await fengtai({
    method: 'POST',
    url: '/v1/jurisdictions',
    payload: { name: 'x', code: '110105009', level: 'station', parent_id: c.nodes.chaoyang.id },
  })
  t.equal(underNeighbour.statusCode, 404, 'no node under a neighbour')
  const renameSelf = await fengtai({
    method: 'PATCH',
    url: `/v1/jurisdictions/${c.nodes.fengtai.id}`,
    payload: { name: 'x' },
  })
  t.equal(renameSelf.statusCode, 403, 'a district does not rename itself')
  const renameStation = await fengtai({
    method: 'PATCH',
    url: `/v1/jurisdictions/${c.nodes.lugouqiao.id}`,
    payload: { name: '卢沟桥所' },
  })
  t.equal(renameStation.statusCode, 200, 'it renames its station')
  const taken = await fengtai({
    method: 'POST',
    url: '/v1/jurisdictions',
    payload: { name: 'x', code: '110105', level: 'station' },
  })
  t.equal(taken.statusCode, 409, 'a code is unique in the deployment')
  const upside = await fengtai({
    method: 'POST',
    url: '/v1/jurisdictions',
    payload: { name: 'x', code: '110199', level: 'city' },
  })
  t.equal(upside.statusCode, 400, 'a child sits below its parent’s level')
  const badCode = await fengtai({
    method: 'POST',
    url: '/v1/jurisdictions',
    payload: { name: 'x', code: '1101', level: 'district' },
  })
  t.equal(badCode.statusCode, 400, 'a district is coded by six digits')
  const enterprise = await enrolEnterprise(c.app, c.regulators.fengtai.token, '某家电维修')
  const asEnterprise = as(c.app, enterprise.token)
  t.equal(
    (await asEnterprise({ method: 'GET', url: '/v1/jurisdictions' })).statusCode,
    403,
    'enterprises do not manage the tree',
  )
})
