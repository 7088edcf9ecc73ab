import { NotFoundError } from '@hejie/sdk'
import t from 'tap'
import { OffsetClock } from '../../gateway/src/domain/clock.js'
import { backend, freshDatabase } from '../../gateway/test/helpers/database.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  sdkClient,
} from '../../sdk/test/helpers/gateway.js'
import { parseAdvance } from '../src/commands/sandbox.js'
import { runCli } from './helpers/cli.js'

t.test('an amount to advance reads as working days, hours or both, and nothing else', async (t) => {
  t.same(parseAdvance('3wd'), { working_days: 3 })
  t.same(parseAdvance('4h'), { hours: 4 })
  t.same(parseAdvance('2wd4h'), { working_days: 2, hours: 4 })
  for (const wrong of ['', '3', '3d', '0wd', '0h', '-1h', '4h2wd', '1.5h']) {
    t.throws(() => parseAdvance(wrong), { message: /3wd, 4h or 2wd4h/ }, JSON.stringify(wrong))
  }
})

t.test(
  `hejie sandbox clock advance passes a deadline, and the overdue event is in the feed (${backend})`,
  async (t) => {
    const database = await freshDatabase(t, { clock: new OffsetClock() })
    const { baseUrl, regulator } = await gatewayWithRegulator(t, { database, config: { sandbox: true } })
    const video = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
    const dispute = await regulator.disputes.create(complaint(video.enterprise.id))
    const env = {
      HEJIE_BASE_URL: baseUrl,
      HEJIE_CLIENT_ID: video.credentials.clientId,
      HEJIE_CLIENT_SECRET: video.credentials.clientSecret,
    }

    const shown = runCli(t, ['sandbox', 'clock'], env)
    t.same(await shown.exited, { code: 0, signal: null }, shown.stderr.join('\n'))
    t.match(
      shown.stdout[0],
      /^Sandbox clock: \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Asia\/Shanghai\), real time \(never moved\)$/,
    )

    const moved = runCli(t, ['sandbox', 'clock', 'advance', '11wd'], env)
    t.same(await moved.exited, { code: 0, signal: null }, moved.stderr.join('\n'))
    t.match(moved.stdout[0], /^Sandbox clock: .* \d+\.\d days ahead of real time$/)

    const enterprise = sdkClient(t, baseUrl, video.credentials)
    const clock = await enterprise.sandbox.clock.retrieve()
    t.ok(Date.parse(clock.now) > Date.parse(dispute.respond_by ?? ''), 'the SDK reads the moved clock')
    const overdue = []
    for await (const event of enterprise.events.list({ types: ['dispute.overdue'] })) overdue.push(event)
    t.equal(overdue.length, 1, 'the enterprise sees its dispute go overdue')

    const wrong = runCli(t, ['sandbox', 'clock', 'advance', '3days'], env)
    t.not((await wrong.exited).code, 0, 'an amount in another form is refused')
  },
)

t.test(
  `against a gateway that is not a sandbox, the SDK's sandbox calls are not found (${backend})`,
  async (t) => {
    const { regulator } = await gatewayWithRegulator(t)
    await t.rejects(regulator.sandbox.clock.advance({ hours: 1 }), NotFoundError)
  },
)
