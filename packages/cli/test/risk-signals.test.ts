import t from 'tap'
import { PhoneKeyer } from '../../gateway/src/domain/phone-key.js'
import { masterKeyOf } from '../../gateway/src/services/identity/identity.js'
import { computeRiskSignals } from '../../gateway/src/services/risk-signals/run.js'
import { riskThresholdsFrom } from '../../gateway/src/services/risk-signals/thresholds.js'
import { testConfig } from '../../gateway/test/helpers/app.js'
import { backend } from '../../gateway/test/helpers/database.js'
import { complaint, enrolEnterprise, gatewayWithRegulator } from '../../sdk/test/helpers/gateway.js'
import { runCli } from './helpers/cli.js'

t.test(`risk-signals prints the watchlist as a table, or as JSON (${backend})`, async (t) => {
  const { baseUrl, database, regulator, regulatorCredentials } = await gatewayWithRegulator(t)
  const env = {
    HEJIE_BASE_URL: baseUrl,
    HEJIE_CLIENT_ID: regulatorCredentials.clientId,
    HEJIE_CLIENT_SECRET: regulatorCredentials.clientSecret,
  }
  const empty = runCli(t, ['risk-signals'], env)
  t.same(await empty.exited, { code: 0, signal: null }, empty.stderr.join('\n'))
  t.same(empty.stdout, ['No risk signals.'])

  // Five complaints against one enterprise in one category this week, none before: a rising
  // volume and a repeated problem at the default thresholds (5), and a repeat complainant
  // (the sample complaint's one consumer, 3 or more).
  const video = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
  for (let n = 0; n < 5; n += 1) await regulator.disputes.create(complaint(video.enterprise.id))
  const config = testConfig()
  await computeRiskSignals(
    database,
    riskThresholdsFrom(config),
    PhoneKeyer.fromMasterKey(masterKeyOf(config)),
  )

  const list = runCli(t, ['risk-signals', '--kind', 'repeated_problem'], env)
  t.same(await list.exited, { code: 0, signal: null }, list.stderr.join('\n'))
  t.match(list.stdout[0], /^ID\s+KIND\s+WEEK OF\s+SUBJECT\s+VALUE\s+BASELINE\s+THRESHOLD\s+DISPUTES\s+WHY$/)
  t.equal(list.stdout.length, 2, 'one signal of that kind')
  t.match(
    list.stdout[1],
    new RegExp(
      `^rsk_\\w+\\s+repeated_problem\\s+\\d{4}-\\d{2}-\\d{2}\\s+${video.enterprise.id} category=\\S.*\\s5\\s+5\\s+5\\s+5 disputes about`,
    ),
  )

  const json = runCli(t, ['risk-signals', '--json'], env)
  t.same(await json.exited, { code: 0, signal: null }, json.stderr.join('\n'))
  const signals = JSON.parse(json.stdout.join('\n'))
  t.same(
    signals.map((signal: { kind: string }) => signal.kind).sort(),
    ['repeat_complainant', 'repeated_problem', 'rising_volume', 'rising_volume'],
    'every signal: the enterprise and the category rising, one problem, one consumer',
  )

  const bad = runCli(t, ['risk-signals', '--kind', 'sunspots'], env)
  t.not((await bad.exited).code, 0, 'an unknown kind is refused')
})
