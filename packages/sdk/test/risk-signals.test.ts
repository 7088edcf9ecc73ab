import t from 'tap'
import { PhoneKeyer } from '../../gateway/src/domain/phone-key.js'
import { masterKeyOf } from '../../gateway/src/services/identity/identity.js'
import { computeRiskSignals } from '../../gateway/src/services/risk-signals/run.js'
import { riskThresholdsFrom } from '../../gateway/src/services/risk-signals/thresholds.js'
import { testConfig } from '../../gateway/test/helpers/app.js'
import { backend } from '../../gateway/test/helpers/database.js'
import { NotFoundError, PermissionDeniedError, type RiskSignal } from '../src/index.js'
import { complaint, enrolEnterprise, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'

t.test(`riskSignals.list and retrieve read the regulator's watchlist (${backend})`, async (t) => {
  const { baseUrl, database, regulator } = await gatewayWithRegulator(t)
  const video = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
  // One consumer, three complaints this week: a repeat complainant at the default threshold (3).
  for (let n = 0; n < 3; n += 1) {
    await regulator.disputes.create({
      ...complaint(video.enterprise.id),
      consumer: { name: '张伟', phone: '13911112222' },
    })
  }
  // The gateway's own configuration: its master key, and the default thresholds.
  const config = testConfig()
  await computeRiskSignals(
    database,
    riskThresholdsFrom(config),
    PhoneKeyer.fromMasterKey(masterKeyOf(config)),
  )

  const signals: RiskSignal[] = []
  for await (const signal of regulator.riskSignals.list({ kind: 'repeat_complainant' })) signals.push(signal)
  t.equal(signals.length, 1)
  const [signal] = signals
  t.equal(signal?.value, 3)
  t.same(signal?.subject, {}, 'the consumer is not named')
  t.same(await regulator.riskSignals.retrieve(signal?.id ?? ''), signal)
  await t.rejects(regulator.riskSignals.retrieve('rsk_missing'), NotFoundError)

  const enterprise = sdkClient(t, baseUrl, video.credentials)
  await t.rejects(Promise.resolve(enterprise.riskSignals.list()), PermissionDeniedError)
})
