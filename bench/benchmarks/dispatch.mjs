import { randomUUID } from 'node:crypto'
import { startGateway } from '../lib/gateway.mjs'

/**
 * What the dispatcher adds to intake: `POST /v1/disputes` naming only the respondent, with
 * 1,000 routing rules in the complaint's jurisdiction (target) and with none (baseline).
 * No rule matches the complaint, so the target reads and tries all 1,000 before falling back
 * to the centre, the costliest path; the baseline takes the same path with nothing to try.
 * Everything else about the two intakes is the same: the bar is target / baseline ≥ 0.9
 * (dispatch adds less than 10 % to intake).
 */
const RULES = Number(process.env.HEJIE_BENCH_DISPATCH_RULES ?? 1000)

/** A regulator, the city's centre unit, and `rules` routing rules that match nothing sent here. */
async function seedDispatch(app, database, { rules }) {
  const { createClient, operator } = await import('@hejie/gateway')
  const { body: client } = await createClient(
    database,
    { actor: operator, requestId: 'bench' },
    { name: 'bench regulator', role: 'regulator', enterpriseId: null },
  )
  const token = (
    await app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      payload: {
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: client.client_secret,
      },
    })
  ).json().access_token
  const headers = { authorization: `Bearer ${token}` }
  const call = async (url, payload) => {
    const res = await app.inject({ method: 'POST', url, headers, payload })
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  await call('/v1/handling-units', { name: '12345接诉即办中心', kind: 'center' })
  const units = []
  for (let i = 0; i < 10; i++)
    units.push((await call('/v1/handling-units', { name: `科室 ${i}`, kind: 'division' })).id)
  // Every kind of condition, none of which the benchmark's complaint meets.
  const conditionsOf = (i) =>
    [
      { keywords: [`关键词${i}`, `词语${i}`] },
      { area_code_prefix: `9${String(i).padStart(5, '0')}` },
      { category: `类别 ${i}`, problem_type: 'food_safety' },
      { channel: 'walk_in', keywords: [`窗口${i}`] },
    ][i % 4]
  for (let i = 0; i < rules; i++) {
    await call('/v1/routing-rules', {
      priority: i,
      conditions: conditionsOf(i),
      target: { unit_id: units[i % 10] },
    })
  }
  return { token }
}

function intakeBody() {
  return JSON.stringify({
    external_ref: `12345-BENCH-${randomUUID()}`,
    channel: 'hotline_12345',
    respondent: { name: '某某便利店', area_code: '110106001' },
    consumer: { name: '张伟', phone: '13812341234' },
    problem_type: 'quality',
    category: 'daily goods',
    claim: { description: 'The kettle stopped working after a week.', demands: ['refund'] },
  })
}

function side(label, rules) {
  return {
    label,
    start: () => startGateway({ seed: (app, database) => seedDispatch(app, database, { rules }) }),
    request: (info) => ({
      method: 'POST',
      path: '/v1/disputes',
      headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
      body: intakeBody(),
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({ ...request, body: intakeBody() }),
        },
      ],
    }),
    check(response) {
      const body = JSON.parse(response.body)
      if (body?.object !== 'dispute' || body.routing?.matched_by !== 'fallback')
        throw new Error(`expected a dispute routed to the centre, got ${response.body.slice(0, 300)}`)
    },
  }
}

export default {
  name: 'dispatch',
  description: `intake routed by the dispatcher with ${RULES} routing rules vs with none (bar: ≥ 0.9)`,
  target: side(`Hejie gateway, POST /v1/disputes by respondent, ${RULES} routing rules tried`, RULES),
  baseline: side('Hejie gateway, POST /v1/disputes by respondent, no routing rules', 0),
}
