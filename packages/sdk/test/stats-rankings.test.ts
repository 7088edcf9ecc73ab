import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { BadRequestError, PermissionDeniedError, type RankedAssignee } from '../src/index.js'
import { complaint, enrolEnterprise, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'

t.test(`stats.rankings ranks the assignees by volume, ties sharing a rank (${backend})`, async (t) => {
  const { baseUrl, regulator } = await gatewayWithRegulator(t)
  const video = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
  const shop = await enrolEnterprise(regulator, '北京优品电商有限公司')
  const repair = await enrolEnterprise(regulator, '北京安居家电维修服务有限公司')
  // Video receives 3 disputes, the shop and the repairer 1 each: ranks 1, 2, 2.
  for (const id of [
    video.enterprise.id,
    video.enterprise.id,
    video.enterprise.id,
    shop.enterprise.id,
    repair.enterprise.id,
  ]) {
    await regulator.disputes.create(complaint(id))
  }

  const ranking = await regulator.stats.rankings({ metric: 'received', min_concluded: 0 })
  t.match(ranking, { object: 'ranking', metric: 'received', min_concluded: 0, excluded_below_minimum: 0 })
  const tied = [shop.enterprise.id, repair.enterprise.id].sort()
  t.strictSame(
    ranking.data.map((row: RankedAssignee) => [row.rank, row.assignee.id, row.value]),
    [
      [1, video.enterprise.id, 3],
      [2, tied[0], 1],
      [2, tied[1], 1],
    ],
  )
  t.equal(ranking.data[0]?.assignee.name, '北京爱看视频科技有限公司')
  t.equal(ranking.data[0]?.indicators.received, 3)

  const withMinimum = await regulator.stats.rankings({ metric: 'received' })
  t.same(withMinimum.data, [], 'nothing is concluded yet: below the default minimum of 5')
  t.equal(withMinimum.excluded_below_minimum, 3)

  const csv = await regulator.stats.rankingsCsv({ metric: 'received', min_concluded: 0, lang: 'en' })
  const [header, first] = csv.replace(/^\uFEFF/, '').split('\r\n')
  t.match(header, /^rank,assignee_type,assignee_id,assignee_name,value,/)
  t.match(first, new RegExp(`^1,enterprise,${video.enterprise.id},北京爱看视频科技有限公司,3,`))
  const stats = await regulator.stats.csv({ group_by: 'assignee' })
  t.match(stats.replace(/^\uFEFF/, '').split('\r\n')[0], /^分组,受理数,/)

  const enterprise = sdkClient(t, baseUrl, video.credentials)
  await t.rejects(enterprise.stats.rankings({ metric: 'received' }), {
    constructor: PermissionDeniedError,
    code: 'forbidden',
  })
  await t.rejects(
    // @ts-expect-error metric is typed from the spec
    regulator.stats.rankings({ metric: 'popularity' }),
    { constructor: BadRequestError, code: 'validation_failed' },
  )
})
