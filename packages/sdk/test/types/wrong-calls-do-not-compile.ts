/**
 * Compiled by `pnpm typecheck` (part of `pnpm test`), never run: each `@ts-expect-error`
 * line must be a type error, or the compiler reports the directive as unused, so a change
 * that loosened the SDK's types fails the suite. The lines without it must compile.
 */
import type { Dispute, DisputeRecordSettlementParams, Hejie, HejieEvent } from '../../src/index.js'

const settlement: DisputeRecordSettlementParams = {
  remedy: 'partial_refund',
  amount: { amount: 2700, currency: 'CNY' },
  terms: 'Refund of the unused 27.00 yuan.',
  agreed_at: '2026-11-28T03:20:00.000Z',
  consumer_consent: { method: 'phone_recording', reference: 'REC-20261128-0042' },
}

export async function wrongPaths(hejie: Hejie) {
  await hejie.get('/v1/disputes/{id}', { path: { id: 'dsp_1' } })
  // @ts-expect-error a path the API does not have
  await hejie.get('/v1/dispute/{id}', { path: { id: 'dsp_1' } })
  // @ts-expect-error a path that exists, but not for this method
  await hejie.post('/v1/me')
  // @ts-expect-error a path parameter left out
  await hejie.get('/v1/disputes/{id}')
}

export async function missingRequiredFields(hejie: Hejie) {
  await hejie.disputes.recordSettlement('dsp_1', settlement)
  const { agreed_at: _, ...withoutAgreedAt } = settlement
  // @ts-expect-error agreed_at is required
  await hejie.disputes.recordSettlement('dsp_1', withoutAgreedAt)
  // @ts-expect-error a refund needs its reference (the merchant's refund transaction id)
  await hejie.disputes.recordRefund('dsp_1', {
    amount: { amount: 2700, currency: 'CNY' },
    method: 'original_payment',
    refunded_at: '2026-11-28T05:00:00.000Z',
  })
  // @ts-expect-error decline needs a reason; accept does not
  await hejie.disputes.decline('dsp_1')
  await hejie.disputes.accept('dsp_1')
}

export async function wrongEnumValues(hejie: Hejie) {
  // @ts-expect-error not a remedy the API knows
  await hejie.disputes.recordSettlement('dsp_1', { ...settlement, remedy: 'cash_back' })
  // @ts-expect-error money is in CNY fen
  await hejie.disputes.recordSettlement('dsp_1', { ...settlement, amount: { amount: 27, currency: 'USD' } })
  // @ts-expect-error not a dispute status
  hejie.disputes.list({ status: ['open'] })
  hejie.disputes.list({ status: ['assigned', 'in_progress'], limit: 50 })
  hejie.disputes.list({ status: 'assigned' })
  // @ts-expect-error not a dispute status, alone either
  hejie.disputes.list({ status: 'open' })
  // @ts-expect-error not an event type
  hejie.events.list({ types: ['dispute.created'] })
  hejie.events.list({ types: ['dispute.assigned', 'refund.recorded'] })
}

export function resultsAreTyped(dispute: Dispute, event: HejieEvent) {
  // @ts-expect-error the field is `respond_by`
  dispute.respondBy
  const deadline: string | null = dispute.respond_by
  if (event.type === 'refund.recorded') {
    const fen: number = event.data.object.amount.amount
    return [deadline, fen]
  }
  // @ts-expect-error only refund events carry a refund
  return event.data.object.amount.amount
}

export function endpointEventsCarryTheEndpoint(event: HejieEvent) {
  if (event.type === 'webhook_endpoint.disabled' || event.type === 'ping') {
    const url: string = event.data.object.url
    // @ts-expect-error an endpoint has no `respond_by`
    return [url, event.data.object.respond_by]
  }
  return []
}

export function jurisdictionsAreTyped(hejie: Hejie) {
  hejie.jurisdictions.create({ name: '丰台区市场监督管理局', code: '110106', level: 'district' })
  // @ts-expect-error a jurisdiction is a city, a district or a station
  hejie.jurisdictions.create({ name: '卢沟桥所', code: '110106001', level: 'township' })
  // @ts-expect-error a node never moves: there is no parent to change
  hejie.jurisdictions.update('jur_1', { parent_id: 'jur_2' })
  hejie.jurisdictions.list({ level: 'station' })
  hejie.stats.retrieve({ group_by: 'jurisdiction', jurisdiction_id: 'jur_1' })
  hejie.clients.createForRegulator({ name: '丰台区局', jurisdiction_id: 'jur_1' })
  // @ts-expect-error an enterprise client follows its enterprise: it names no jurisdiction
  hejie.clients.createForEnterprise('ent_1', { name: 'CRM', jurisdiction_id: 'jur_1' })
}
