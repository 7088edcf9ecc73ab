import { sql } from 'kysely'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { addRule, addUnit, complaintAbout } from '../helpers/dispatch.js'
import { accessToken, as, regulatorCredentials } from '../helpers/identity.js'
import { addNode } from '../helpers/jurisdictions.js'

/**
 * The gateway keeps each jurisdiction's routing rules in memory while the database's
 * `dispatch_generation` token is unchanged; triggers change that token in the transaction
 * that changes a rule, a unit or the tree. So a change made by any path (the API, or SQL
 * behind every instance's back, which is what another instance's write looks like to this
 * one) must route the very next intake.
 */
t.test(
  `the next intake obeys rules, units and jurisdictions changed through the API or in the database directly (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const cityToken = await accessToken(app, await regulatorCredentials(database))
    const city = as(app, cityToken)
    const centre = await addUnit(app, cityToken, { name: '12345接诉即办中心', kind: 'center' })
    const prepaid = await addUnit(app, cityToken, { name: '预付式消费专班', kind: 'task_force' })
    const food = await addUnit(app, cityToken, { name: '食品经营监管科', kind: 'division' })

    const routedTo = async (jurisdictionId?: string) => {
      const res = await city({
        method: 'POST',
        url: '/v1/disputes',
        payload: complaintAbout(
          { name: '某某健身会所' },
          {
            ...(jurisdictionId ? { jurisdiction_id: jurisdictionId } : {}),
            claim: { description: '办了预付卡，门店关门后无法退费。', demands: ['refund'] },
          },
        ),
      })
      t.equal(res.statusCode, 201, res.body)
      const { assignee, routing } = res.json()
      return { unit: assignee.id as string, matchedBy: routing.matched_by as string }
    }
    const generation = async () =>
      (await sql<{ generation: string }>`select generation from dispatch_generation`.execute(database.db))
        .rows[0]?.generation

    t.same(await routedTo(), { unit: centre.id, matchedBy: 'fallback' }, 'no rules: the centre')
    const before = await generation()
    await routedTo()
    t.equal(
      await generation(),
      before,
      'intake leaves the generation as it was: the rules read stay in memory',
    )

    const rule = await addRule(app, cityToken, {
      priority: 10,
      conditions: { keywords: ['预付卡'] },
      unit: prepaid.id,
    })
    t.same(await routedTo(), { unit: prepaid.id, matchedBy: 'rule' }, 'a rule created through the API')

    await sql`update routing_rules set unit_id = ${food.id} where id = ${rule}`.execute(database.db)
    t.same(await routedTo(), { unit: food.id, matchedBy: 'rule' }, "a rule's target changed in the database")

    await sql`update handling_units set status = 'inactive' where id = ${food.id}`.execute(database.db)
    t.same(
      await routedTo(),
      { unit: centre.id, matchedBy: 'fallback' },
      'its unit made inactive in the database',
    )

    await sql`update handling_units set status = 'active' where id = ${food.id}`.execute(database.db)
    t.same(await routedTo(), { unit: food.id, matchedBy: 'rule' }, 'and active again')

    await sql`update routing_rules set enabled = 0 where id = ${rule}`.execute(database.db)
    t.same(await routedTo(), { unit: centre.id, matchedBy: 'fallback' }, 'the rule disabled in the database')

    await sql`delete from routing_rules where id = ${rule}`.execute(database.db)
    const at = new Date().toISOString()
    const cityId = (await city({ method: 'GET', url: '/v1/me' })).json().jurisdiction.id as string
    await sql`insert into routing_rules (id, jurisdiction_id, priority, enabled, conditions, unit_id, created_at, updated_at)
      values ('rtr_sql', ${cityId}, 1, 1, '{"keywords":["门店"]}', ${prepaid.id}, ${at}, ${at})`.execute(
      database.db,
    )
    t.same(await routedTo(), { unit: prepaid.id, matchedBy: 'rule' }, 'a rule inserted in the database')

    const patched = await city({
      method: 'PATCH',
      url: '/v1/routing-rules/rtr_sql',
      payload: { conditions: { keywords: ['电梯'] } },
    })
    t.equal(patched.statusCode, 200, patched.body)
    t.same(
      await routedTo(),
      { unit: centre.id, matchedBy: 'fallback' },
      'its keywords changed through the API',
    )

    const district = await addNode(app, cityToken, {
      name: '丰台区市场监督管理局',
      code: '110106',
      level: 'district',
    })
    t.same(
      await routedTo(district.id),
      { unit: centre.id, matchedBy: 'fallback' },
      "a new district without a centre: the city's centre",
    )
    const districtCentre = await addUnit(app, district.regulator.token, {
      name: '丰台区接诉即办分中心',
      kind: 'center',
    })
    t.same(
      await routedTo(district.id),
      { unit: districtCentre.id, matchedBy: 'fallback' },
      'the district gains a centre of its own',
    )
    await sql`update handling_units set name = '丰台区12345分中心' where id = ${districtCentre.id}`.execute(
      database.db,
    )
    const renamed = await city({
      method: 'POST',
      url: '/v1/dispatch/preview',
      payload: complaintAbout({ name: '某某健身会所' }, { jurisdiction_id: district.id }),
    })
    t.match(
      renamed.json().routing.explanation,
      /丰台区12345分中心/,
      "the centre's new name in the explanation",
    )
  },
)
