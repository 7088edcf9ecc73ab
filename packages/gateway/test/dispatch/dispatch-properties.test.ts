import fc from 'fast-check'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { addUnit, complaintAbout } from '../helpers/dispatch.js'
import { accessToken, as, regulatorCredentials, testUscc } from '../helpers/identity.js'
import { addNode } from '../helpers/jurisdictions.js'

/**
 * The dispatcher against a reference written here from the contract alone (API.md and
 * docs/dispatch.md), not from the gateway's code: for random rule sets over a three-level
 * tree and random complaints, `POST /v1/dispatch/preview` (the very routing intake runs,
 * loaded from the database) chooses what the reference chooses, for the same reason.
 */

// ---- the reference ------------------------------------------------------------------

/** The documented normalisation, step by step. */
function referenceKey(name: string): string {
  let s = name.normalize('NFKC')
  s = s.replace(/\s+/g, '')
  s = s.toLowerCase()
  for (const ch of ['(', ')', '·', '.', ',', '、', '・']) s = s.split(ch).join('')
  if (s.endsWith('股份有限公司')) s = `${s.slice(0, -'股份有限公司'.length)}有限公司`
  else if (s.endsWith('有限责任公司')) s = `${s.slice(0, -'有限责任公司'.length)}有限公司`
  return s
}

interface RefEnterprise {
  id: string
  names: string[]
  uscc: string
  status: 'active' | 'suspended' | 'exited'
}
interface RefRule {
  id: string
  jurisdiction: string
  priority: number
  enabled: boolean
  conditions: {
    problem_type?: string
    category?: string
    area_code_prefix?: string
    channel?: string
    keywords?: string[]
  }
  unit: string
}
interface RefUnit {
  id: string
  jurisdiction: string
  kind: string
  active: boolean
}
interface RefComplaint {
  problem_type: string
  category: string
  channel: string
  description: string
  respondent: { name: string; uscc?: string; area_code?: string }
}

function reference(
  complaint: RefComplaint,
  world: { enterprises: RefEnterprise[]; rules: RefRule[]; units: RefUnit[]; chain: string[] },
): { assignee: { type: string; id: string }; matched_by: string; rule_id?: string } | null {
  const usccOf = (s: string) => s.normalize('NFKC').replace(/\s+/g, '').toUpperCase()
  const active = world.enterprises.filter((e) => e.status === 'active').sort((a, b) => (a.id < b.id ? -1 : 1))
  if (complaint.respondent.uscc !== undefined) {
    const wanted = usccOf(complaint.respondent.uscc)
    const hit = active.find((e) => e.uscc === wanted)
    if (hit) return { assignee: { type: 'enterprise', id: hit.id }, matched_by: 'uscc' }
  }
  const key = referenceKey(complaint.respondent.name)
  const named = active.find((e) => e.names.some((n) => referenceKey(n) === key))
  if (key !== '' && named) return { assignee: { type: 'enterprise', id: named.id }, matched_by: 'name' }
  for (const jurisdiction of world.chain) {
    const here = world.rules
      .filter((r) => r.jurisdiction === jurisdiction)
      .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1))
    for (const rule of here) {
      const unit = world.units.find((u) => u.id === rule.unit)
      if (!rule.enabled || !unit?.active) continue
      const c = rule.conditions
      const text = (s: string) => s.normalize('NFKC').toLowerCase()
      const ok =
        (c.problem_type === undefined || c.problem_type === complaint.problem_type) &&
        (c.category === undefined || c.category === complaint.category) &&
        (c.channel === undefined || c.channel === complaint.channel) &&
        (c.area_code_prefix === undefined ||
          (complaint.respondent.area_code ?? '').startsWith(c.area_code_prefix)) &&
        (c.keywords === undefined ||
          c.keywords.some(
            (k) =>
              text(complaint.description).includes(text(k)) ||
              text(complaint.respondent.name).includes(text(k)),
          ))
      if (ok) return { assignee: { type: 'unit', id: rule.unit }, matched_by: 'rule', rule_id: rule.id }
    }
  }
  for (const jurisdiction of world.chain) {
    const centre = world.units
      .filter((u) => u.jurisdiction === jurisdiction && u.kind === 'center' && u.active)
      .sort((a, b) => (a.id < b.id ? -1 : 1))[0]
    if (centre) return { assignee: { type: 'unit', id: centre.id }, matched_by: 'fallback' }
  }
  return null
}

// ---- the property --------------------------------------------------------------------

t.test(`the dispatcher chooses what an independent reference chooses (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const rootToken = await accessToken(app, await regulatorCredentials(database))
  const root = as(app, rootToken)
  const rootId = (await root({ method: 'GET', url: '/v1/me' })).json().jurisdiction.id as string
  const district = await addNode(app, rootToken, { name: '丰台区', code: '110106', level: 'district' })
  const station = await addNode(app, rootToken, {
    name: '卢沟桥所',
    code: '110106001',
    level: 'station',
    parent_id: district.id,
  })
  const tree = [rootId, district.id, station.id]
  const chainOf = (id: string) => tree.slice(0, tree.indexOf(id) + 1).reverse()

  const units: RefUnit[] = []
  for (const [i, jurisdiction] of tree.entries()) {
    for (const kind of ['center', 'division', 'station'] as const) {
      if (kind === 'center' && i === 1) continue // the district has no centre: the root's serves it
      const unit = await addUnit(app, rootToken, {
        name: `${kind} ${i}`,
        kind,
        jurisdiction_id: jurisdiction,
      })
      units.push({ id: unit.id, jurisdiction, kind, active: true })
    }
  }
  const enterpriseSpecs = [
    { name: '北京某视频科技有限责任公司', aliases: ['某视频'], status: 'active' },
    { name: '某电商（北京）股份有限公司', aliases: ['某商城 APP'], status: 'active' },
    { name: '某健身有限公司', aliases: [], status: 'suspended' },
    { name: '某教育科技有限公司', aliases: ['某课堂'], status: 'exited' },
  ] as const
  const enterprises: RefEnterprise[] = []
  for (const spec of enterpriseSpecs) {
    const uscc = testUscc()
    const res = await root({
      method: 'POST',
      url: '/v1/enterprises',
      payload: {
        name: spec.name,
        uscc,
        aliases: spec.aliases,
        contact: { name: '王', phone: '01088886666' },
      },
    })
    const id = res.json().id as string
    if (spec.status !== 'active') {
      await root({ method: 'PATCH', url: `/v1/enterprises/${id}`, payload: { odr_status: spec.status } })
    }
    enterprises.push({ id, names: [spec.name, ...spec.aliases], uscc, status: spec.status })
  }

  const problemTypes = ['quality', 'food_safety', 'price', 'other'] as const
  const categories = ['预付式消费', '价格欺诈', 'online services']
  const channels = ['hotline_12315', 'web', 'walk_in'] as const
  const areaCodes = ['110106', '110106001', '110106001017', '110105', '']
  const keywords = ['预付卡', 'APP', '退款', 'Ｖｉｐ', '会员']
  const descriptions = [
    '预付卡余额无法退还',
    '会员到期无法使用 VIP 权益',
    '商品质量问题，要求退款',
    'nothing special',
  ]
  const respondentNames = [
    ...enterpriseSpecs.flatMap((e) => [e.name, ...e.aliases]),
    '北京某视频科技有限公司',
    '某电商(北京)有限公司',
    '某 视频',
    '某商城ＡＰＰ',
    '街边小店',
    '某会员店',
    '某APP开发工作室',
    '退款无门的小卖部',
    '无名摊位',
    '某某餐饮店',
    '某 会员 俱乐部',
  ]

  // Each condition present one time in three, so that rules with few conditions, which
  // match often, are common, and the order between matching rules decides.
  const sometimes = <T>(value: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: fc.constant(undefined), weight: 2 }, { arbitrary: value, weight: 1 })
  const condition = fc
    .record({
      problem_type: sometimes(fc.constantFrom(...problemTypes)),
      category: sometimes(fc.constantFrom(...categories)),
      area_code_prefix: sometimes(fc.constantFrom(...areaCodes.filter(Boolean))),
      channel: sometimes(fc.constantFrom(...channels)),
      keywords: sometimes(fc.uniqueArray(fc.constantFrom(...keywords), { minLength: 1, maxLength: 2 })),
    })
    .map(
      (c) =>
        Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as RefRule['conditions'],
    )
  const rule = fc.record({
    jurisdiction: fc.constantFrom(...tree),
    priority: fc.integer({ min: 0, max: 5 }),
    enabled: fc.boolean(),
    conditions: condition,
    unit: fc.nat({ max: units.length - 1 }),
  })
  const complaint = fc.record({
    jurisdiction: fc.constantFrom(...tree),
    problem_type: fc.constantFrom(...problemTypes),
    category: fc.constantFrom(...categories),
    channel: fc.constantFrom(...channels),
    description: fc.constantFrom(...descriptions),
    name: fc.constantFrom(...respondentNames),
    uscc: sometimes(fc.nat({ max: enterprises.length })),
    area_code: fc.constantFrom(...areaCodes),
  })
  const inactive = fc.uniqueArray(fc.nat({ max: units.length - 1 }), { maxLength: 2 })

  let runs = 0
  const reasons = new Map<string, number>()
  await fc.assert(
    fc.asyncProperty(
      fc.array(rule, { maxLength: 12 }),
      inactive,
      fc.array(complaint, { minLength: 1, maxLength: 4 }),
      async (ruleSpecs, inactiveUnits, complaints) => {
        runs += 1
        await database.db.deleteFrom('routing_rules').execute()
        await database.db.updateTable('handling_units').set({ status: 'active' }).execute()
        for (const [i, unit] of units.entries()) unit.active = !inactiveUnits.includes(i)
        for (const index of inactiveUnits) {
          await database.db
            .updateTable('handling_units')
            .set({ status: 'inactive' })
            .where('id', '=', units[index]?.id ?? '')
            .execute()
        }
        // Rules are written straight into the table (the API checks targets, not the
        // dispatcher), with ids that sort in a random order against their priorities.
        const rules: RefRule[] = ruleSpecs.map((spec, i) => ({
          id: `rtr_${String((i * 7919) % 101).padStart(3, '0')}_${i}`,
          jurisdiction: spec.jurisdiction,
          priority: spec.priority,
          enabled: spec.enabled,
          conditions: spec.conditions,
          unit: units[spec.unit]?.id ?? '',
        }))
        if (rules.length > 0) {
          const at = new Date().toISOString()
          await database.db
            .insertInto('routing_rules')
            .values(
              rules.map((r) => ({
                id: r.id,
                jurisdiction_id: r.jurisdiction,
                priority: r.priority,
                enabled: r.enabled ? 1 : 0,
                conditions: JSON.stringify(r.conditions),
                unit_id: r.unit,
                created_at: at,
                updated_at: at,
              })),
            )
            .execute()
        }
        for (const c of complaints) {
          const uscc =
            c.uscc === undefined
              ? undefined
              : c.uscc === enterprises.length
                ? testUscc()
                : ` ${enterprises[c.uscc]?.uscc.toLowerCase()}`
          const respondent = {
            name: c.name,
            ...(uscc === undefined ? {} : { uscc }),
            ...(c.area_code === '' ? {} : { area_code: c.area_code }),
          }
          const body = complaintAbout(respondent, {
            problem_type: c.problem_type,
            category: c.category,
            channel: c.channel,
            jurisdiction_id: c.jurisdiction,
            claim: { description: c.description, demands: ['refund'] },
          })
          const expected = reference(
            {
              problem_type: c.problem_type,
              category: c.category,
              channel: c.channel,
              description: c.description,
              respondent,
            },
            { enterprises, rules, units, chain: chainOf(c.jurisdiction) },
          )
          const res = await root({ method: 'POST', url: '/v1/dispatch/preview', payload: body })
          if (expected === null) {
            t.equal(res.json().code, 'no_dispatch_target', 'no one to dispatch to, as the reference says')
            continue
          }
          const actual = res.json()
          const got = {
            assignee: actual.assignee,
            matched_by: actual.routing?.matched_by,
            ...(actual.routing?.rule_id ? { rule_id: actual.routing.rule_id } : {}),
          }
          reasons.set(expected.matched_by, (reasons.get(expected.matched_by) ?? 0) + 1)
          if (JSON.stringify(got) !== JSON.stringify(expected)) {
            throw new Error(
              `dispatcher ${JSON.stringify(got)} ≠ reference ${JSON.stringify(expected)} for ${JSON.stringify(body)}`,
            )
          }
        }
      },
    ),
    { numRuns: 100 },
  )
  t.ok(runs >= 100, `${runs} random worlds`)
  for (const reason of ['uscc', 'name', 'rule', 'fallback']) {
    t.ok((reasons.get(reason) ?? 0) > 0, `some complaints went by ${reason} (${reasons.get(reason) ?? 0})`)
  }
})
