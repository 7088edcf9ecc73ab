import { randomUUID } from 'node:crypto'
import t from 'tap'
import { backend } from '../helpers/database.js'
import { complaint } from '../helpers/disputes.js'
import { call, registerEnterprise, sharedDatabase, startGateway, tokenFor } from '../helpers/process.js'

/**
 * No acknowledged write is ever lost: writes go on from many connections while the gateway
 * is killed with SIGKILL; after a restart, every write that was answered 2xx is there, with
 * its audit entry and its event. (On SQLite the answers leave through group commit, so this
 * also shows that no write is answered before the commit that holds it.)
 */

const contact = {
  channel: 'phone',
  // When the contact is sent: a reported time lies between the assignment and now.
  get contacted_at() {
    return new Date().toISOString()
  },
  reached: true,
  summary: 'Consumer reached; call back tomorrow with the refund amount.',
}

interface Acknowledged {
  disputeId: string
  contactId: string
}

async function allPages<T>(
  fetchPage: (after: string | undefined) => Promise<{ data: T[]; next: string | undefined }>,
) {
  const items: T[] = []
  let after: string | undefined
  do {
    const page = await fetchPage(after)
    items.push(...page.data)
    after = page.next
  } while (after !== undefined)
  return items
}

t.test(
  `kill -9 under write load loses no acknowledged write, audit entry or event (${backend})`,
  async (t) => {
    const { credentials, env } = await sharedDatabase(t)
    const first = await startGateway(t, env)
    const regulatorToken = await tokenFor(first.baseUrl, credentials)
    const enterprise = await registerEnterprise(first.baseUrl, regulatorToken, '爱奇艺')
    const disputes: string[] = []
    for (let i = 0; i < 10; i++) {
      disputes.push(
        (await call(first.baseUrl, regulatorToken, 'POST', '/v1/disputes', complaint(enterprise.id))).id,
      )
    }
    const enterpriseClient = await call(
      first.baseUrl,
      regulatorToken,
      'POST',
      `/v1/enterprises/${enterprise.id}/clients`,
      { name: 'customer service' },
    )
    const enterpriseToken = await tokenFor(first.baseUrl, {
      clientId: enterpriseClient.client_id,
      clientSecret: enterpriseClient.client_secret,
    })
    for (const id of disputes)
      await call(first.baseUrl, enterpriseToken, 'POST', `/v1/disputes/${id}/accept`, {})

    // Twenty connections write until the process dies under them.
    const acknowledged: Acknowledged[] = []
    let failed = 0
    let dead = false
    const writer = async () => {
      while (!dead) {
        const disputeId = disputes[Math.floor(Math.random() * disputes.length)] ?? ''
        try {
          const created = await call(
            first.baseUrl,
            enterpriseToken,
            'POST',
            `/v1/disputes/${disputeId}/contacts`,
            contact,
            {
              'idempotency-key': randomUUID(),
            },
          )
          acknowledged.push({ disputeId, contactId: created.id })
        } catch {
          failed += 1
        }
      }
    }
    const writers = Array.from({ length: 20 }, writer)
    while (acknowledged.length < 200) await new Promise((resolve) => setTimeout(resolve, 10))
    first.child.kill('SIGKILL')
    await first.exited
    dead = true
    await Promise.all(writers)
    t.ok(failed > 0, 'some writes were in flight when the process died')

    const second = await startGateway(t, env)
    const token = await tokenFor(second.baseUrl, credentials)

    const timelines = new Map<string, { object_id: string; audit_index: number; action: string }[]>()
    for (const id of disputes) {
      timelines.set(
        id,
        await allPages(async (cursor) => {
          const page = await call(
            second.baseUrl,
            token,
            'GET',
            `/v1/disputes/${id}/timeline?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
          )
          return { data: page.data, next: page.has_more ? page.next_cursor : undefined }
        }),
      )
    }
    const recorded = new Set([...timelines.values()].flat().map((entry) => entry.object_id))
    const lost = acknowledged.filter((write) => !recorded.has(write.contactId))
    t.same(lost, [], `all ${acknowledged.length} acknowledged contacts are in their disputes' timelines`)

    const auditEntries = await allPages<{ index: number; entry: { object_id: string } }>(async (start) => {
      const page = await call(
        second.baseUrl,
        token,
        'GET',
        `/v1/audit/entries?start=${start ?? 0}&limit=1000`,
      )
      const last = page.data.at(-1)?.index
      return { data: page.data, next: page.has_more ? String(last + 1) : undefined }
    })
    t.same(
      auditEntries.map((entry) => entry.index),
      auditEntries.map((_, i) => i),
      'the audit log has no gap',
    )
    const audited = new Map(auditEntries.map((entry) => [entry.index, entry.entry.object_id]))
    const contactsWithoutAudit = [...timelines.values()]
      .flat()
      .filter(
        (entry) => entry.action === 'contact.recorded' && audited.get(entry.audit_index) !== entry.object_id,
      )
    t.same(contactsWithoutAudit, [], 'every recorded contact has its audit entry')

    const events = await allPages<{ data: { object: { id: string; version: number } } }>(async (after) => {
      const page = await call(
        second.baseUrl,
        token,
        'GET',
        `/v1/events?limit=100${after ? `&after=${after}` : ''}`,
      )
      return { data: page.data, next: page.has_more ? page.next_cursor : undefined }
    })
    const eventGaps: string[] = []
    for (const id of disputes) {
      const dispute = await call(second.baseUrl, token, 'GET', `/v1/disputes/${id}`)
      const versions = new Set(
        events.filter((event) => event.data.object.id === id).map((event) => event.data.object.version),
      )
      for (let v = 1; v <= dispute.version; v++) if (!versions.has(v)) eventGaps.push(`${id} v${v}`)
    }
    t.same(eventGaps, [], 'every version of every dispute has its event in the feed')
  },
)
