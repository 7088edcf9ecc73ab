import { createHash } from 'node:crypto'
import { type DispatchPreview, type Dispute, type Hejie, HejieError } from '@hejie/sdk'
import type { MappedTicket } from './map-ticket.js'

export type ImportResult = 'routed' | 'already imported' | 'refused'

/** One line of the report. */
export interface ImportedLine {
  line: number
  ticket: string
  result: ImportResult
  /** Where the dispute went (or, refused, nothing): the enterprise's or unit's name and id. */
  destination: string
  /** `uscc`, `name`, `rule`, `fallback` or `explicit`, from the dispatcher. */
  matchedBy: string
  /** Why a line was refused: the problem's code and detail, or what could not be mapped. */
  reason: string
  /** The dispute made now, or the one the ticket was imported as before. */
  disputeId: string
}

/**
 * The Idempotency-Key of a ticket's intake: derived from the ticket number alone, so that a
 * repeat of the same intake, after a crash or a lost answer, can never make a second dispute.
 */
export function idempotencyKeyOf(ticket: string): string {
  return `intake-import-${createHash('sha256').update(ticket, 'utf8').digest('hex').slice(0, 40)}`
}

type Assignee = DispatchPreview['assignee']

/**
 * Imports the mapped lines one after another, in file order. For each: a line that could
 * not be mapped is refused with its reason; a ticket already taken in (an earlier run, or an
 * earlier line of this file) is reported as already imported; otherwise the dispatch preview
 * says where it would go, and intake takes it in. A refusal of the API (a problem answer) is
 * reported on its line and the import goes on; a failure to reach the API stops it.
 */
export async function importTickets(hejie: Hejie, tickets: MappedTicket[]): Promise<ImportedLine[]> {
  const names = destinationNames(hejie)
  const jurisdictions = jurisdictionIds(hejie)
  const lines: ImportedLine[] = []
  for (const ticket of tickets) {
    const base = {
      line: ticket.line,
      ticket: ticket.ticket,
      destination: '',
      matchedBy: '',
      reason: '',
      disputeId: '',
    }
    if (!ticket.ok) {
      lines.push({ ...base, result: 'refused', reason: ticket.reason })
      continue
    }
    const already = async (dispute: Dispute): Promise<ImportedLine> => ({
      ...base,
      result: 'already imported',
      destination: await names(dispute.assignee),
      matchedBy: dispute.routing?.matched_by ?? '',
      disputeId: dispute.id,
    })
    try {
      const existing = (await hejie.disputes.list({ external_ref: ticket.ticket, limit: 1 })).data[0]
      if (existing) {
        lines.push(await already(existing))
        continue
      }
      const body = { ...ticket.body }
      if (ticket.receivedBy !== undefined) {
        const jurisdictionId = await jurisdictions(ticket.receivedBy)
        if (!jurisdictionId) {
          lines.push({
            ...base,
            result: 'refused',
            reason: `受理区划 "${ticket.receivedBy}" is not a jurisdiction of this regulator's tree`,
          })
          continue
        }
        body.jurisdiction_id = jurisdictionId
      }
      const preview = await hejie.dispatch.preview(body)
      const dispute = await hejie.disputes.create(body, { idempotencyKey: idempotencyKeyOf(ticket.ticket) })
      lines.push({
        ...base,
        result: 'routed',
        destination: await names(dispute.assignee ?? preview.assignee),
        matchedBy: dispute.routing?.matched_by ?? preview.routing.matched_by,
        disputeId: dispute.id,
      })
    } catch (error) {
      if (!(error instanceof HejieError) || !error.problem) throw error
      const existingId = error.problem.existing_id
      if (error.code === 'conflict' && typeof existingId === 'string') {
        // Taken in meanwhile, by another import or another desk: the ticket is there.
        const dispute = await hejie.disputes.retrieve(existingId).catch(() => undefined)
        lines.push(
          dispute ? await already(dispute) : { ...base, result: 'already imported', disputeId: existingId },
        )
        continue
      }
      lines.push({ ...base, result: 'refused', reason: problemReason(error) })
    }
  }
  return lines
}

function problemReason(error: HejieError): string {
  const problem = error.problem
  if (!problem) return error.message
  const fields = (problem.errors ?? []).map((field) => `${field.path}: ${field.message}`)
  return [`${problem.code}: ${problem.detail}`, ...fields].join('; ')
}

/** `北京优品电商有限公司 (ent_…)`, looked up once per enterprise or unit. */
function destinationNames(hejie: Hejie) {
  const cache = new Map<string, Promise<string>>()
  return (assignee: Assignee | null | undefined): Promise<string> => {
    if (!assignee) return Promise.resolve('')
    let name = cache.get(assignee.id)
    if (!name) {
      const lookup =
        assignee.type === 'enterprise'
          ? hejie.enterprises.retrieve(assignee.id)
          : hejie.handlingUnits.retrieve(assignee.id)
      name = lookup.then(
        (found) => `${found.name} (${assignee.id})`,
        () => assignee.id,
      )
      cache.set(assignee.id, name)
    }
    return name
  }
}

/** A jurisdiction's id by its code (`110106`), or its id as written, from the caller's subtree. */
function jurisdictionIds(hejie: Hejie) {
  let byCode: Promise<Map<string, string>> | undefined
  return async (written: string): Promise<string | undefined> => {
    byCode ??= (async () => {
      const map = new Map<string, string>()
      for await (const jurisdiction of hejie.jurisdictions.list()) {
        map.set(jurisdiction.code, jurisdiction.id)
        map.set(jurisdiction.id, jurisdiction.id)
      }
      return map
    })()
    return (await byCode).get(written)
  }
}
