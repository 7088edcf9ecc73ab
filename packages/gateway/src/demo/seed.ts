import type { Static } from 'typebox'
import { type Principal, scopesByRole } from '../domain/principal.js'
import { usccCheckCharacter } from '../domain/uscc.js'
import type { IntakeBody } from '../schemas/disputes.js'
import { type ActionRequest, act } from '../services/disputes/actions.js'
import { type DeadlinePolicy, deadlineColumns } from '../services/disputes/deadline-policy.js'
import { scanDeadlines } from '../services/disputes/deadline-scan.js'
import { intake } from '../services/disputes/intake.js'
import { createEnterprise, updateEnterprise } from '../services/enterprises.js'
import { createClient } from '../services/identity/clients.js'
import { createJurisdiction, updateJurisdiction } from '../services/jurisdictions/manage.js'
import type { Database } from '../storage/database.js'
import { sampleComplaint } from './complaint.js'
import { type DispatchDemo, seedDispatchDemo } from './dispatch-seed.js'

/**
 * A small living system for a first look: a city bureau with two district bureaus and their
 * stations, a regulator at each level, a few ODR enterprises, and disputes in every state,
 * all made through the same services as API calls (so the audit log, events and timelines
 * are real). Loaded only into an empty database.
 */
export interface DemoCredentials {
  /** The city bureau's regulator (the root): it sees every district. */
  regulator: { clientId: string; clientSecret: string }
  /** A regulator of each district and station: each sees its own subtree. */
  regulators: { jurisdiction: string; code: string; clientId: string; clientSecret: string }[]
  enterprise: { clientId: string; clientSecret: string; enterpriseId: string; name: string }
  /** Handling units (接诉即办): the city's centre and a station's unit. */
  dispatch: DispatchDemo
}

/** Beijing's city bureau, two of its districts (GB/T 2260 codes) and stations coded below them. */
const city = { name: '北京市市场监督管理局', code: '110000' }
const tree = [
  { key: 'fengtai', name: '丰台区市场监督管理局', code: '110106', level: 'district', parent: null },
  { key: 'lugouqiao', name: '卢沟桥市场监督管理所', code: '110106001', level: 'station', parent: 'fengtai' },
  { key: 'xincun', name: '新村市场监督管理所', code: '110106002', level: 'station', parent: 'fengtai' },
  { key: 'chaoyang', name: '朝阳区市场监督管理局', code: '110105', level: 'district', parent: null },
  { key: 'wangjing', name: '望京市场监督管理所', code: '110105001', level: 'station', parent: 'chaoyang' },
] as const
type Place = (typeof tree)[number]['key']

const enterprises = [
  { name: '北京爱看视频科技有限公司', district: '110106', address: '北京市丰台区科学城星火路 10 号' },
  { name: '北京优品电商有限公司', district: '110106', address: '北京市丰台区南四环西路 188 号' },
  { name: '北京安居家电维修服务有限公司', district: '110106', address: '北京市丰台区丰台北路 32 号' },
  { name: '北京望京健身服务有限公司', district: '110105', address: '北京市朝阳区望京街 9 号' },
  // Suspended from the ODR programme: the dispatcher skips it (see dispatch-seed.ts).
  { name: '北京速达快递服务有限公司', district: '110106', address: '北京市丰台区南三环西路 66 号' },
]

function demoUscc(index: number, district: string): string {
  const first17 = `91${district}MA${String(7731 + index).padStart(7, '0')}`
  return first17 + usccCheckCharacter(first17)
}

function complaint(
  n: number,
  enterpriseId: string,
  problem: Partial<Static<typeof IntakeBody>>,
): Static<typeof IntakeBody> {
  const base = sampleComplaint(enterpriseId, `12315-1101062026${String(11000 + n)}`)
  return {
    ...base,
    consumer: {
      name: ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏'][n % 7] ?? '张伟',
      phone: `1381234${String(1000 + n)}`,
    },
    purchase: { ...base.purchase, order_ref: `VIP-8823${n}` },
    ...problem,
  }
}

export async function hasData(database: Database): Promise<boolean> {
  const row = await database.db.selectFrom('enterprises').select('id').limit(1).executeTakeFirst()
  return row !== undefined
}

export async function seedDemo(database: Database, deadlines: DeadlinePolicy): Promise<DemoCredentials> {
  const operatorContext = (requestId: string) => ({
    actor: { role: 'operator' as const, clientId: 'hejie-demo', enterpriseId: null },
    requestId,
  })
  const regulatorClient = (
    await createClient(database, operatorContext('demo-regulator'), {
      name: '演示：12315 投诉受理中心',
      role: 'regulator',
      enterpriseId: null,
    })
  ).body
  const regulatorAt = (jurisdictionId: string, clientId: string): Principal => ({
    role: 'regulator',
    clientId,
    enterpriseId: null,
    jurisdictionId,
    scopes: new Set(scopesByRole.regulator),
  })
  const regulator = regulatorAt(regulatorClient.jurisdiction_id, regulatorClient.client_id)
  const asRegulator = (requestId: string) => ({ actor: regulator, requestId })

  // The tree: the root named after the city, its districts and stations, a regulator at each.
  await updateJurisdiction(database, asRegulator('demo-city'), regulatorClient.jurisdiction_id, city)
  const places = new Map<Place, string>()
  const regulators: DemoCredentials['regulators'] = []
  for (const node of tree) {
    const parentId = node.parent === null ? regulatorClient.jurisdiction_id : places.get(node.parent)
    const created = await createJurisdiction(database, asRegulator(`demo-jurisdiction-${node.code}`), {
      name: node.name,
      code: node.code,
      level: node.level,
      parent_id: parentId,
    })
    places.set(node.key, created.body.id)
    const client = await createClient(database, asRegulator(`demo-regulator-${node.code}`), {
      name: `Demo: ${node.name}`,
      role: 'regulator',
      enterpriseId: null,
      jurisdictionId: created.body.id,
    })
    regulators.push({
      jurisdiction: node.name,
      code: node.code,
      clientId: client.body.client_id,
      clientSecret: client.body.client_secret ?? '',
    })
  }
  const at = (place: Place) => places.get(place) ?? regulatorClient.jurisdiction_id

  const ids: string[] = []
  for (const [index, enterprise] of enterprises.entries()) {
    const created = await createEnterprise(database, asRegulator(`demo-enterprise-${index}`), {
      name: enterprise.name,
      uscc: demoUscc(index, enterprise.district),
      address: enterprise.address,
      contact: {
        name: '客服主管',
        phone: `010-6378${String(1000 + index)}`,
        email: `odr${index}@example.com`,
      },
      jurisdiction_id: enterprise.district === '110105' ? at('chaoyang') : at('fengtai'),
    })
    ids.push(created.body.id)
  }
  const [video, shop, repair, gym, courier] = ids as [string, string, string, string, string]
  const videoClient = (
    await createClient(database, asRegulator('demo-video-client'), {
      name: '演示：企业客服系统',
      role: 'enterprise',
      enterpriseId: video,
    })
  ).body
  const asEnterprise = (enterpriseId: string): Principal => ({
    role: 'enterprise',
    clientId: enterpriseId === video ? videoClient.client_id : `demo-${enterpriseId}`,
    enterpriseId,
    jurisdictionId: null,
    scopes: new Set(scopesByRole.enterprise),
  })

  let n = 0
  // Received at the 丰台 district bureau unless a station or another district is named.
  const open = async (
    enterpriseId: string,
    overrides: Partial<Static<typeof IntakeBody>> = {},
    place: Place = 'fengtai',
  ) => {
    n += 1
    return (
      await intake(
        database,
        deadlines,
        asRegulator(`demo-intake-${n}`),
        complaint(n, enterpriseId, { jurisdiction_id: at(place), ...overrides }),
      )
    ).body.id
  }
  const step = async (id: string, principal: Principal, request: ActionRequest) => {
    n += 1
    await act(database, deadlines, { actor: principal, requestId: `demo-step-${n}` }, id, request)
  }
  // Reported times lie between the dispute's assignment and now: the demo reports them as it goes.
  const agreed = () => database.clock.now().toISOString()
  const settle = async (id: string, enterpriseId: string, amount: number) => {
    const by = asEnterprise(enterpriseId)
    await step(id, by, { action: 'accept', body: {} })
    await step(id, by, {
      action: 'contacts',
      body: {
        channel: 'phone',
        contacted_at: agreed(),
        reached: true,
        summary: '已联系上消费者，双方同意部分退款。',
      },
    })
    await step(id, by, {
      action: 'settlements',
      body: {
        remedy: 'partial_refund',
        amount: { amount, currency: 'CNY' },
        terms: `退还未使用部分的费用 ${(amount / 100).toFixed(2)} 元。`,
        agreed_at: agreed(),
        consumer_consent: { method: 'phone_recording', reference: `REC-${id.slice(-8)}` },
      },
    })
  }

  // assigned: new, waiting for the enterprise
  await open(video)
  await open(video, { problem_type: 'false_advertising', channel: 'hotline_12345' }, 'lugouqiao')
  await open(gym, { problem_type: 'contract', category: '预付卡 / 健身会员' }, 'wangjing')
  await open(video, { problem_type: 'after_sales', channel: 'hotline_12345' }, 'chaoyang')
  // in_progress
  const inProgress = await open(video, {}, 'xincun')
  await step(inProgress, asEnterprise(video), {
    action: 'accept',
    body: { note: '已转会员业务组处理。' },
  })
  // settled, refund pending
  const settled = await open(video)
  await settle(settled, video, 2700)
  // closed (settled) with a refund and the regulator's callback
  const done = await open(video)
  await settle(done, video, 2700)
  await step(done, asEnterprise(video), {
    action: 'refunds',
    body: {
      amount: { amount: 2700, currency: 'CNY' },
      method: 'original_payment',
      reference: `RF-${done.slice(-8)}`,
      refunded_at: agreed(),
    },
  })
  await step(done, asEnterprise(video), {
    action: 'outcome',
    body: { result: 'fulfilled', summary: '已退款 27.00 元。' },
  })
  await step(done, regulator, { action: 'feedback', body: { resolved: true, satisfaction: 'satisfied' } })
  // Handled over two days rather than the seconds the seed takes (backdated for the demo, like
  // the overdue dispute below), so that the average handling time of /v1/stats says something.
  const doneAssignedAt = new Date(database.clock.now().getTime() - 50 * 3_600_000)
  const doneClosedAt = (
    await database.db
      .selectFrom('disputes')
      .select('closed_at')
      .where('id', '=', done)
      .executeTakeFirstOrThrow()
  ).closed_at
  const waited = Date.parse(doneClosedAt ?? '') - doneAssignedAt.getTime()
  await database.db
    .updateTable('disputes')
    .set({
      received_at: doneAssignedAt.toISOString(),
      assigned_at: doneAssignedAt.toISOString(),
      ...deadlineColumns(deadlines, doneAssignedAt),
      handling_ms: waited,
      resolution_ms: waited,
    })
    .where('id', '=', done)
    .execute()
  // returned by one enterprise and routed to another
  const returned = await open(shop, { problem_type: 'quality', category: '家用电器 / 电饭煲' }, 'lugouqiao')
  await step(returned, asEnterprise(shop), {
    action: 'decline',
    body: { reason: 'not_responsible', note: '该商品由第三方店铺销售。' },
  })
  const rerouted = await open(shop, {
    problem_type: 'after_sales',
    category: '家用电器 / 维修',
  })
  await step(rerouted, asEnterprise(shop), { action: 'decline', body: { reason: 'not_responsible' } })
  await step(rerouted, regulator, { action: 'assign', body: { enterprise_id: repair } })
  // escalated to administrative mediation
  const escalated = await open(repair, { problem_type: 'after_sales' })
  await step(escalated, asEnterprise(repair), { action: 'accept', body: {} })
  await step(escalated, asEnterprise(repair), {
    action: 'outcome',
    body: {
      result: 'not_settled',
      reason: 'amount_disputed',
      summary: '消费者要求整机更换。',
    },
  })
  // the bureau mediates (行政调解): one session recorded, the mediation deadline running
  await step(escalated, regulator, {
    action: 'mediation-records',
    body: {
      held_at: agreed(),
      method: 'phone',
      participants: [
        { role: 'consumer', name: '张伟' },
        { role: 'respondent', name: '北京安居家电维修服务有限公司' },
        { role: 'mediator', name: '丰台区市场监督管理局 调解员' },
      ],
      summary: '电话调解：商家同意免费再修一次，消费者坚持更换，约定三日后再议。',
    },
  })
  // mediated and closed: agreement reached in mediation
  const mediated = await open(repair, {
    problem_type: 'after_sales',
    category: '家用电器 / 维修',
  })
  await step(mediated, regulator, {
    action: 'escalate',
    body: { reason: '消费者申请由市场监管局调解。' },
  })
  await step(mediated, regulator, {
    action: 'mediation-records',
    body: {
      held_at: agreed(),
      method: 'in_person',
      participants: [
        { role: 'consumer', name: '李娜' },
        { role: 'respondent', name: '北京安居家电维修服务有限公司' },
        { role: 'mediator', name: '卢沟桥市场监管所 调解员' },
      ],
      summary: '现场调解，双方达成一致。',
      agreement: '商家退还维修费180元。',
    },
  })
  await step(mediated, regulator, { action: 'close', body: { resolution: 'mediated', note: '调解成功。' } })
  // urged (督办): the regulator presses the enterprise on the one in progress
  await step(inProgress, regulator, {
    action: 'urge',
    body: { note: '请尽快联系消费者并反馈处理进展。' },
  })
  // closed by the regulator: withdrawn
  const withdrawn = await open(shop)
  await step(withdrawn, regulator, {
    action: 'withdraw',
    body: { note: '消费者已撤回投诉。' },
  })
  // overdue: assigned 3 weeks ago (backdated for the demo), found by the deadline scanner
  const late = await open(repair)
  const assignedAt = new Date(database.clock.now().getTime() - 21 * 86_400_000)
  await database.db
    .updateTable('disputes')
    .set({
      assigned_at: assignedAt.toISOString(),
      ...deadlineColumns(deadlines, assignedAt),
    })
    .where('id', '=', late)
    .execute()
  await scanDeadlines(database, deadlines)

  await updateEnterprise(database, asRegulator('demo-courier-suspended'), courier, {
    odr_status: 'suspended',
  })
  const dispatch = await seedDispatchDemo(database, deadlines, {
    regulator,
    city: regulatorClient.jurisdiction_id,
    fengtai: at('fengtai'),
    lugouqiao: at('lugouqiao'),
    enterprises: {
      video,
      shop,
      courier,
      shopUscc: demoUscc(1, '110106'),
      courierUscc: demoUscc(4, '110106'),
    },
  })

  return {
    dispatch,
    regulator: { clientId: regulatorClient.client_id, clientSecret: regulatorClient.client_secret ?? '' },
    regulators,
    enterprise: {
      clientId: videoClient.client_id,
      clientSecret: videoClient.client_secret ?? '',
      enterpriseId: video,
      name: enterprises[0]?.name ?? '',
    },
  }
}
