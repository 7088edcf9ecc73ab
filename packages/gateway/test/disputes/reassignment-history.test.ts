import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

/**
 * A dispute handled by enterprise A (a call, a note, a decline) and reassigned to B: B's
 * history of it starts at its own assignment, everywhere B reads it; A keeps its own part;
 * the regulator sees everything.
 */
async function reassignedDispute(t: { teardown(fn: () => unknown): void }) {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const regulator = as(app, regulatorToken)
  const a = await enrolEnterprise(app, regulatorToken, '甲视频会员有限公司')
  const b = await enrolEnterprise(app, regulatorToken, '乙电商平台有限公司')
  const dispute = await intakeDispute(app, regulatorToken, a.id)
  const id = dispute.id as string
  const byA = as(app, a.token)
  const contact = await byA({
    method: 'POST',
    url: `/v1/disputes/${id}/contacts`,
    payload: {
      channel: 'phone',
      contacted_at: new Date().toISOString(),
      reached: true,
      summary: 'A: the consumer bought from our reseller, not from us.',
    },
  })
  if (contact.statusCode !== 201) throw new Error(`contact: ${contact.body}`)
  const declined = await byA({
    method: 'POST',
    url: `/v1/disputes/${id}/decline`,
    payload: { reason: 'not_responsible', note: 'A: sold by our reseller 乙.' },
  })
  if (declined.statusCode !== 200) throw new Error(`decline: ${declined.body}`)
  const assigned = await regulator({
    method: 'POST',
    url: `/v1/disputes/${id}/assign`,
    payload: { enterprise_id: b.id },
  })
  if (assigned.statusCode !== 200) throw new Error(`assign: ${assigned.body}`)
  const byB = as(app, b.token)
  const accepted = await byB({ method: 'POST', url: `/v1/disputes/${id}/accept` })
  if (accepted.statusCode !== 200) throw new Error(`accept: ${accepted.body}`)
  return { app, id, regulator, byA, byB }
}

type Inject = ReturnType<typeof as>

async function timeline(caller: Inject, id: string) {
  const res = await caller({ url: `/v1/disputes/${id}/timeline?limit=100` })
  return {
    status: res.statusCode,
    entries:
      res.statusCode === 200
        ? (res.json().data as { action: string; audit_index: number; details: object }[])
        : [],
  }
}

async function auditIndicesOf(caller: Inject, id: string) {
  const res = await caller({ url: '/v1/audit/entries?start=0&limit=1000' })
  return (res.json().data as { index: number; entry: { dispute_id?: string } }[])
    .filter((row) => row.entry.dispute_id === id)
    .map((row) => row.index)
}

async function exportedIndicesOf(caller: Inject, id: string) {
  const res = await caller({ url: '/v1/audit/export' })
  return res.body
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((line) => line.type === 'entry' && line.entry?.dispute_id === id)
    .map((line) => line.index as number)
}

t.test(
  `after a reassignment, the new enterprise's timeline starts at its own assignment (${backend})`,
  async (t) => {
    const { id, byB, regulator } = await reassignedDispute(t)
    const own = await timeline(byB, id)
    t.equal(own.status, 200)
    t.same(
      own.entries.map((entry) => entry.action),
      ['dispute.assigned', 'dispute.accepted'],
      'its assignment and its own handling, nothing before',
    )
    const text = JSON.stringify(own.entries)
    t.notMatch(text, /reseller|contact\.recorded|dispute\.declined/, "nothing of A's call or decline")
    const everything = await timeline(regulator, id)
    t.same(
      everything.entries.map((entry) => entry.action),
      ['dispute.created', 'contact.recorded', 'dispute.declined', 'dispute.assigned', 'dispute.accepted'],
      'the regulator sees the whole history',
    )
  },
)

t.test(
  `the new enterprise's timeline, audit entries and export show the same part of the history (${backend})`,
  async (t) => {
    const { id, byB } = await reassignedDispute(t)
    const fromTimeline = (await timeline(byB, id)).entries.map((entry) => entry.audit_index)
    t.same(await auditIndicesOf(byB, id), fromTimeline, 'the audit entries match the timeline')
    t.same(await exportedIndicesOf(byB, id), fromTimeline, 'so does the export')
  },
)

t.test(
  `the new enterprise cannot prove or read the previous enterprise's entries (${backend})`,
  async (t) => {
    const { id, byB, regulator } = await reassignedDispute(t)
    const all = (await timeline(regulator, id)).entries
    const declined = all.find((entry) => entry.action === 'dispute.declined')
    t.ok(declined, 'the regulator sees the decline')
    const size = (await regulator({ url: '/v1/audit/checkpoint' })).json().tree_size
    const proof = await byB({
      url: `/v1/audit/proofs/inclusion?leaf_index=${declined?.audit_index}&tree_size=${size}`,
    })
    t.equal(proof.statusCode, 404)
    const events = await byB({ url: '/v1/events?limit=100' })
    t.notMatch(events.body, /reseller/, "its events feed carries nothing of A's handling")
    t.same(
      events
        .json()
        .data.filter((event: { data: { object: { id?: string } } }) => event.data.object.id !== id),
      [],
      'only events of its own assignment',
    )
  },
)

t.test(
  `the previous enterprise keeps its own part of the history in the audit log (${backend})`,
  async (t) => {
    const { id, byA, regulator } = await reassignedDispute(t)
    t.equal((await byA({ url: `/v1/disputes/${id}` })).statusCode, 404, 'the dispute is no longer its own')
    const all = (await timeline(regulator, id)).entries
    const byIndex = new Map(all.map((entry) => [entry.audit_index, entry.action]))
    t.same(
      (await auditIndicesOf(byA, id)).map((index) => byIndex.get(index)),
      ['dispute.created', 'contact.recorded', 'dispute.declined'],
    )
  },
)
