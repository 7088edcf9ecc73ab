import t from 'tap'
import { OffsetClock } from '../../gateway/src/domain/clock.js'
import { backend, freshDatabase } from '../../gateway/test/helpers/database.js'
import { NotFoundError } from '../src/index.js'
import { enrolEnterprise, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'

t.test(
  `hejie.sandbox generates complaints for an enterprise and moves the clock past their deadline (${backend})`,
  async (t) => {
    const database = await freshDatabase(t, { clock: new OffsetClock() })
    const { baseUrl, regulator } = await gatewayWithRegulator(t, { database, config: { sandbox: true } })
    const video = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
    const made = await regulator.sandbox.disputes.create({ enterprise_id: video.enterprise.id, count: 2 })
    t.equal(made.sandbox, true)
    t.equal(made.data.length, 2)
    t.ok(
      made.data.every((dispute) => dispute.sandbox === true && dispute.enterprise_id === video.enterprise.id),
    )

    const enterprise = sdkClient(t, baseUrl, video.credentials)
    const moved = await enterprise.sandbox.clock.advance({ working_days: 11 })
    t.ok(Date.parse(moved.now) > Date.parse(made.data[0]?.respond_by ?? ''), 'now lies past the deadline')
    const overdue = []
    for await (const dispute of enterprise.disputes.list({ status: ['assigned'] }))
      overdue.push(dispute.overdue)
    t.same(overdue, [true, true], 'both are overdue')
  },
)

t.test(`against a gateway that is not a sandbox, hejie.sandbox is not found (${backend})`, async (t) => {
  const { regulator } = await gatewayWithRegulator(t)
  await t.rejects(regulator.sandbox.disputes.create({ count: 1 }), NotFoundError)
  await t.rejects(regulator.sandbox.clock.retrieve(), NotFoundError)
})
