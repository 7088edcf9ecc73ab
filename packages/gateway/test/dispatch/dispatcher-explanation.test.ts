import t from 'tap'
import { dispatch } from '../../src/domain/dispatch/dispatcher.js'

const suspended = { id: 'ent_suspended', name: '北京某某科技有限公司', odr_status: 'suspended' as const }
const complaint = {
  problem_type: 'contract',
  category: null,
  channel: 'hotline_12345',
  description: '会员自动续费未提醒',
  respondent: { name: '北京某某科技有限公司', area_code: '110106' },
}

t.test(
  'a suspended enterprise found by credit code and again by name is named once among the skipped',
  async (t) => {
    const decision = dispatch(complaint, {
      byUscc: [suspended],
      byName: [suspended],
      chain: ['jur_district', 'jur_city'],
      rules: [],
      centers: new Map([['jur_city', { id: 'hnu_center', name: '12345接诉即办中心' }]]),
    })
    t.same(decision.assignee, { type: 'unit', id: 'hnu_center' })
    const explanation = decision.routing?.explanation ?? ''
    t.equal(explanation.split('ent_suspended').length - 1, 1, explanation)
    t.match(explanation, /skipped, taking no new disputes: 北京某某科技有限公司 ent_suspended, suspended\)/)
  },
)
