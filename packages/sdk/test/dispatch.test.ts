import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { complaint, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'

t.test(`a bureau sets up its units and rules and dispatches through the SDK (${backend})`, async (t) => {
  const { baseUrl, regulator } = await gatewayWithRegulator(t)
  const centre = await regulator.handlingUnits.create({ name: '12345接诉即办中心', kind: 'center' })
  const food = await regulator.handlingUnits.create({ name: '食品经营监管科', kind: 'division' })
  t.equal((await regulator.handlingUnits.retrieve(food.id)).kind, 'division', 'a unit reads back')
  const rule = await regulator.routingRules.create({
    priority: 10,
    conditions: { problem_type: 'food_safety', keywords: ['外卖'] },
    target: { unit_id: food.id },
  })
  const listed = []
  for await (const each of regulator.routingRules.list()) listed.push(each.id)
  t.same(listed, [rule.id], 'the rule is listed')

  const { enterprise_id: _none, ...body } = complaint('')
  const intake = {
    ...body,
    problem_type: 'food_safety' as const,
    respondent: { name: '某外卖餐馆' },
    claim: { description: '外卖餐品变质。', demands: ['refund' as const] },
  }
  const preview = await regulator.dispatch.preview(intake)
  t.same(preview.assignee, { type: 'unit', id: food.id }, 'the preview routes it to the division')
  t.equal(preview.routing.rule_id, rule.id, 'by the rule')
  const dispute = await regulator.disputes.create(intake)
  t.same(dispute.assignee, preview.assignee, 'intake does what the preview said')

  const client = await regulator.clients.createForRegulator({ name: '食品科工作台', unit_id: food.id })
  t.equal(client.role, 'unit', 'a unit client is created with unit_id')
  const unit = sdkClient(t, baseUrl, { clientId: client.client_id, clientSecret: client.client_secret ?? '' })
  const accepted = await unit.disputes.accept(dispute.id)
  t.equal(accepted.status, 'in_progress', 'the unit accepts through the SDK')

  await regulator.routingRules.update(rule.id, { enabled: false })
  const fallback = await regulator.dispatch.preview(intake)
  t.same(
    [fallback.assignee, fallback.routing.matched_by],
    [{ type: 'unit', id: centre.id }, 'fallback'],
    'with the rule disabled, the centre',
  )
  t.equal((await regulator.routingRules.delete(rule.id)).deleted, true, 'a rule is deleted')
})
