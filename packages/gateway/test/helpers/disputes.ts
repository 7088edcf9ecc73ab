import type { FastifyInstance } from 'fastify'
import { as } from './identity.js'

let ticket = 0

/** A complaint as the 12315 intake centre registers it. */
export function complaint(enterpriseId: string, overrides: Record<string, unknown> = {}) {
  ticket += 1
  return {
    external_ref: `12315-2026-${String(Date.now()).slice(-6)}-${ticket}`,
    channel: 'hotline_12315',
    enterprise_id: enterpriseId,
    consumer: { name: '张伟', phone: '13812341234' },
    problem_type: 'contract',
    category: 'online services / video membership',
    claim: {
      description: 'The annual membership no longer plays the films promised at purchase.',
      demands: ['refund'],
      amount: { amount: 2700, currency: 'CNY' },
    },
    purchase: {
      date: '2026-03-01',
      order_ref: 'VIP-88231',
      amount: { amount: 19800, currency: 'CNY' },
      channel: 'online',
    },
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
  terms: 'Refund of the unused 27.00 yuan of the annual video membership.',
  agreed_at: '2026-11-28T03:20:00.000Z',
  consumer_consent: { method: 'phone_recording', reference: 'REC-20261128-0042' },
}
