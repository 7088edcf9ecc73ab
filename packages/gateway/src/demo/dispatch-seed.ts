import type { Static } from 'typebox'
import { type Principal, scopesByRole } from '../domain/principal.js'
import type { IntakeBody } from '../schemas/disputes.js'
import { createRule } from '../services/dispatch/rules.js'
import { createUnit } from '../services/dispatch/units.js'
import { type ActionRequest, act } from '../services/disputes/actions.js'
import type { DeadlinePolicy } from '../services/disputes/deadline-policy.js'
import { intake } from '../services/disputes/intake.js'
import { updateEnterprise } from '../services/enterprises.js'
import { createClient } from '../services/identity/clients.js'
import type { Database } from '../storage/database.js'
import { sampleComplaint } from './complaint.js'

/**
 * 接诉即办 in the demo city: the city's 12345 centre, the 丰台 district's divisions, its
 * station and a task force, routing rules of every kind, and complaints received at 丰台
 * that take every path the dispatcher has: by credit code, by alias, by each kind of rule,
 * past a suspended enterprise to the centre, and to the centre, which dispatches one by
 * hand. One unit concludes its dispute, another declines one.
 */
export interface DispatchDemo {
  /** A client of the city's centre: its queue is `GET /v1/disputes?awaiting_dispatch=true`. */
  centre: { clientId: string; clientSecret: string; unitId: string; name: string }
  /** A client of the 卢沟桥 station's unit, which works its disputes. */
  station: { clientId: string; clientSecret: string; unitId: string; name: string }
}

export interface DispatchDemoSetting {
  regulator: Principal
  /** The root (the city) and the 丰台 district and its 卢沟桥 station. */
  city: string
  fengtai: string
  lugouqiao: string
  enterprises: { video: string; shop: string; courier: string; courierUscc: string; shopUscc: string }
}

export async function seedDispatchDemo(
  database: Database,
  deadlines: DeadlinePolicy,
  setting: DispatchDemoSetting,
): Promise<DispatchDemo> {
  let n = 0
  const as = (actor: Principal) => {
    n += 1
    return { actor, requestId: `demo-dispatch-${n}` }
  }
  const { regulator } = setting
  const unit = async (name: string, kind: 'center' | 'division' | 'station' | 'task_force', at: string) =>
    (await createUnit(database, as(regulator), { name, kind, jurisdiction_id: at })).body
  const centre = await unit('北京市12345接诉即办中心', 'center', setting.city)
  const food = await unit('丰台区食品经营安全监管科', 'division', setting.fengtai)
  const prices = await unit('丰台区价格监督检查科', 'division', setting.fengtai)
  const station = await unit('卢沟桥市场监督管理所执法队', 'station', setting.lugouqiao)
  const prepaid = await unit('丰台区预付式消费整治专班', 'task_force', setting.fengtai)
  const window = await unit('丰台区登记窗口投诉组', 'division', setting.fengtai)

  const rule = async (priority: number, conditions: Record<string, unknown>, unitId: string) =>
    createRule(database, as(regulator), {
      jurisdiction_id: setting.fengtai,
      priority,
      conditions,
      target: { unit_id: unitId },
    })
  await rule(10, { problem_type: 'food_safety' }, food.id)
  await rule(20, { problem_type: 'price', category: '价格欺诈' }, prices.id)
  await rule(30, { area_code_prefix: '110106001' }, station.id)
  await rule(40, { keywords: ['预付卡', '办卡', '储值卡'] }, prepaid.id)
  await rule(50, { channel: 'walk_in' }, window.id)

  await updateEnterprise(database, as(regulator), setting.enterprises.video, {
    aliases: ['爱看视频', 'iKan 视频'],
  })

  const client = async (unitId: string, name: string) => {
    const created = (
      await createClient(database, as(regulator), { name, role: 'unit', enterpriseId: null, unitId })
    ).body
    const principal: Principal = {
      role: 'unit',
      clientId: created.client_id,
      enterpriseId: null,
      unitId,
      jurisdictionId: created.jurisdiction_id,
      scopes: new Set(scopesByRole.unit),
    }
    return { created, principal }
  }
  const centreClient = await client(centre.id, '演示：12345 中心分派席')
  const stationClient = await client(station.id, '演示：卢沟桥所受理席')
  const foodClient = await client(food.id, '演示：食品科受理席')
  const pricesClient = await client(prices.id, '演示：价格科受理席')
  centreClient.principal.unitKind = 'center'

  const receive = async (
    respondent: Static<typeof IntakeBody>['respondent'],
    overrides: Partial<Static<typeof IntakeBody>> = {},
  ) => {
    n += 1
    const { enterprise_id: _none, ...base } = sampleComplaint('', `12345-1101062026${String(21000 + n)}`)
    return (
      await intake(database, deadlines, as(regulator), {
        ...base,
        consumer: {
          name: ['周杰', '吴婷', '郑浩', '孙丽'][n % 4] ?? '周杰',
          phone: `1391234${String(2000 + n)}`,
        },
        jurisdiction_id: setting.fengtai,
        respondent,
        ...overrides,
      })
    ).body.id
  }
  const step = async (id: string, principal: Principal, request: ActionRequest) => {
    await act(database, deadlines, as(principal), id, request)
  }

  // By credit code (written in lower case, as intake staff type it) and by alias.
  await receive({ name: '优品商城', uscc: setting.enterprises.shopUscc.toLowerCase() })
  await receive({ name: '爱看视频' })
  // By each kind of rule.
  const food1 = await receive(
    { name: '某某麻辣烫', address: '北京市丰台区丰台北路 8 号' },
    {
      problem_type: 'food_safety',
      category: '餐饮服务 / 外卖',
      claim: { description: '外卖餐品变质，食用后腹泻。', demands: ['refund', 'compensation'] },
    },
  )
  const priced = await receive(
    { name: '某某超市' },
    {
      problem_type: 'price',
      category: '价格欺诈',
      claim: { description: '结账价格高于标价。', demands: ['refund'] },
    },
  )
  const local = await receive(
    { name: '卢沟桥五金店', area_code: '110106001' },
    {
      problem_type: 'quality',
      category: '日用品',
      claim: { description: '电钻一周即损坏。', demands: ['replacement'] },
    },
  )
  await receive(
    { name: '某某美发店' },
    {
      problem_type: 'contract',
      category: '生活服务 / 美容美发',
      claim: { description: '店铺关门，预付卡余额 1,200 元无法退还。', demands: ['refund'] },
    },
  )
  await receive({ name: '某某服装店' }, { channel: 'walk_in', problem_type: 'quality', category: '服装' })
  // Past a suspended enterprise (its credit code matches) to the centre, where it waits.
  await receive(
    { name: '北京速达快递服务有限公司', uscc: setting.enterprises.courierUscc },
    {
      problem_type: 'after_sales',
      category: '快递服务',
      claim: { description: '包裹丢失，快递公司拒绝赔偿。', demands: ['compensation'] },
    },
  )
  // Nothing matches: the centre dispatches it by hand, to the station.
  const byHand = await receive(
    { name: '流动摊贩（无名）' },
    {
      problem_type: 'other',
      category: '其他',
      claim: { description: '路边摊贩售卖的充电宝无法充电。', demands: ['refund'] },
    },
  )
  await step(byHand, centreClient.principal, { action: 'assign', body: { unit_id: station.id } })

  // The station concludes its dispute; the food division works on its own; the price division declines.
  const now = () => database.clock.now().toISOString()
  await step(local, stationClient.principal, { action: 'accept', body: { note: '执法队已受理。' } })
  await step(local, stationClient.principal, {
    action: 'contacts',
    body: { channel: 'phone', contacted_at: now(), reached: true, summary: '已联系消费者并约谈商户。' },
  })
  await step(local, stationClient.principal, {
    action: 'settlements',
    body: {
      remedy: 'replacement',
      terms: '商户为消费者更换同型号电钻。',
      agreed_at: now(),
      consumer_consent: { method: 'phone_recording', reference: `REC-${local.slice(-8)}` },
    },
  })
  await step(local, stationClient.principal, {
    action: 'outcome',
    body: { result: 'fulfilled', summary: '已更换，消费者满意。' },
  })
  await step(food1, foodClient.principal, { action: 'accept', body: {} })
  await step(priced, pricesClient.principal, {
    action: 'decline',
    body: { reason: 'not_responsible', note: '属于区外商户，请中心改派。' },
  })

  return {
    centre: {
      clientId: centreClient.created.client_id,
      clientSecret: centreClient.created.client_secret ?? '',
      unitId: centre.id,
      name: centre.name,
    },
    station: {
      clientId: stationClient.created.client_id,
      clientSecret: stationClient.created.client_secret ?? '',
      unitId: station.id,
      name: station.name,
    },
  }
}
