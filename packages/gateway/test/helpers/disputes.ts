import type { FastifyInstance } from 'fastify'
import { sampleComplaint } from '../../src/demo/complaint.js'
import { as } from './identity.js'

let ticket = 0

/** A complaint as the 12315 intake centre registers it. */
export function complaint(enterpriseId: string, overrides: Record<string, unknown> = {}) {
  ticket += 1
  return {
    ...sampleComplaint(enterpriseId, `12315-2026-${String(Date.now()).slice(-6)}-${ticket}`),
    ...overrides,
  }
}

/** Registers a complaint through the API and returns the dispute. */
export async function intakeDispute(
  app: FastifyInstance,
  regulatorToken: string,
  enterpriseId: string,
  overrides: Record<string, unknown> = {},
) {
  const res = await as(
    app,
    regulatorToken,
  )({ method: 'POST', url: '/v1/disputes', payload: complaint(enterpriseId, overrides) })
  if (res.statusCode !== 201) throw new Error(`intake: ${res.statusCode} ${res.body}`)
  return res.json()
}

export const settlementOf2700 = {
  remedy: 'partial_refund',
  amount: { amount: 2700, currency: 'CNY' },
  terms: '退还年度视频会员未使用部分的费用 27.00 元。',
  // When the settlement is sent: a reported time lies between the assignment and now.
  get agreed_at() {
    return new Date().toISOString()
  },
  consumer_consent: { method: 'phone_recording', reference: 'REC-20261128-0042' },
}
