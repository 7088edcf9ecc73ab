/** A complaint about a video membership as the intake centre routes it to `enterpriseId`. */
export function complaint({ externalRef, orderRef, enterpriseId }) {
  return {
    external_ref: externalRef,
    channel: 'hotline_12315',
    enterprise_id: enterpriseId,
    consumer: { name: '张伟', phone: '13812341234' },
    problem_type: 'contract',
    category: 'online services / video membership',
    claim: {
      description: 'The membership no longer plays the promised films.',
      demands: ['refund'],
      amount: { amount: 2700, currency: 'CNY' },
    },
    purchase: {
      date: '2026-03-01',
      order_ref: orderRef,
      amount: { amount: 19800, currency: 'CNY' },
      channel: 'online',
    },
  }
}

/**
 * A realistic working set for dispute benchmarks, made through the API itself: a regulator,
 * one ODR enterprise with its own API client, and `count` disputes routed to it.
 */
export async function seedDisputes(app, database, { count = 200 } = {}) {
  const { createClient, operator, usccCheckCharacter } = await import('@hejie/gateway')
  const token = async (client) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/oauth/token',
      payload: {
        grant_type: 'client_credentials',
        client_id: client.client_id,
        client_secret: client.client_secret,
      },
    })
    return res.json().access_token
  }
  const { body: regulatorClient } = await createClient(
    database,
    { actor: operator, requestId: 'bench' },
    { name: 'bench regulator', role: 'regulator', enterpriseId: null },
  )
  const regulator = { authorization: `Bearer ${await token(regulatorClient)}` }
  const first17 = '91110106MA0077310'
  const enterprise = await app.inject({
    method: 'POST',
    url: '/v1/enterprises',
    headers: regulator,
    payload: {
      name: '北京爱看视频科技有限公司',
      uscc: first17 + usccCheckCharacter(first17),
      contact: { name: '客服', phone: '01063781000' },
    },
  })
  const enterpriseId = enterprise.json().id
  const client = await app.inject({
    method: 'POST',
    url: `/v1/enterprises/${enterpriseId}/clients`,
    headers: regulator,
    payload: { name: 'crm' },
  })
  const disputeIds = []
  for (let i = 0; i < count; i++) {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/disputes',
      headers: regulator,
      payload: complaint({ externalRef: `12315-BENCH-${i}`, orderRef: `VIP-${i}`, enterpriseId }),
    })
    disputeIds.push(res.json().id)
  }
  return {
    enterpriseId,
    disputeIds,
    token: await token(client.json()),
    regulatorToken: regulator.authorization.slice(7),
    // The enterprise client's credentials, for a client that gets its own tokens (the SDK).
    clientId: client.json().client_id,
    clientSecret: client.json().client_secret,
  }
}
