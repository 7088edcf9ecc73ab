import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  sdkClient,
} from '../../sdk/test/helpers/gateway.js'
import { runCli } from './helpers/cli.js'

const { baseUrl, regulator } = await gatewayWithRegulator(t)
const video = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
const asVideo = {
  HEJIE_BASE_URL: baseUrl,
  HEJIE_CLIENT_ID: video.credentials.clientId,
  HEJIE_CLIENT_SECRET: video.credentials.clientSecret,
}
const videoClient = sdkClient(t, baseUrl, video.credentials)

async function hejie(args: string[]) {
  const run = runCli(t, args, asVideo)
  const { code } = await run.exited
  return { code, stdout: run.stdout.join('\n'), stderr: run.stderr.join('\n') }
}

t.test(
  `disputes request-confirmation prints the consumer's link and its code, once (${backend})`,
  async (t) => {
    const dispute = await regulator.disputes.create(complaint(video.enterprise.id))
    await videoClient.disputes.accept(dispute.id)
    await videoClient.disputes.recordSettlement(dispute.id, {
      remedy: 'partial_refund',
      amount: { amount: 2700, currency: 'CNY' },
      terms: '退还年度会员未使用部分的费用 27.00 元。',
      agreed_at: new Date().toISOString(),
      consumer_consent: { method: 'phone_recording', reference: 'REC-20261128-0042' },
    })

    const printed = await hejie([
      'disputes',
      'request-confirmation',
      dispute.id,
      '--idempotency-key',
      'cfm-1',
    ])
    t.equal(printed.code, 0, printed.stderr)
    t.match(printed.stdout, /^Link {5}http:\/\/\S+\/c\/[A-Za-z0-9_-]{22}$/m)
    t.match(printed.stdout, /^Code {5}\d{6}$/m)
    t.match(printed.stdout, /^Expires {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(Asia\/Shanghai\)$/m)

    const replayed = await hejie([
      'disputes',
      'request-confirmation',
      dispute.id,
      '--idempotency-key',
      'cfm-1',
      '--json',
    ])
    t.equal(replayed.code, 0, replayed.stderr)
    const body = JSON.parse(replayed.stdout)
    t.equal(body.url, /^Link {5}(\S+)$/m.exec(printed.stdout)?.[1], 'a repeat answers the same link')
    t.notOk('code' in body, 'without the code')

    const pending = await regulator.disputes.create(complaint(video.enterprise.id))
    const refused = await hejie(['disputes', 'request-confirmation', pending.id])
    t.equal(refused.code, 1, 'a dispute without a settlement is refused')
    t.match(refused.stderr, /no_settlement/)
  },
)
