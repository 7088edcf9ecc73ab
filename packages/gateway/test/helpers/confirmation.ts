import type { FastifyInstance } from 'fastify'
import { intakeDispute, settlementOf2700 } from './disputes.js'
import { as, type TestEnterprise } from './identity.js'

/** A dispute the enterprise accepted and settled, through the API. */
export async function settledDispute(
  app: FastifyInstance,
  regulatorToken: string,
  shop: TestEnterprise,
  settlement: Record<string, unknown> = {},
) {
  const dispute = await intakeDispute(app, regulatorToken, shop.id)
  const enterprise = as(app, shop.token)
  const accepted = await enterprise({ method: 'POST', url: `/v1/disputes/${dispute.id}/accept`, payload: {} })
  if (accepted.statusCode !== 200) throw new Error(`accept: ${accepted.statusCode} ${accepted.body}`)
  const settled = await enterprise({
    method: 'POST',
    url: `/v1/disputes/${dispute.id}/settlements`,
    payload: { ...settlementOf2700, agreed_at: new Date().toISOString(), ...settlement },
  })
  if (settled.statusCode !== 201) throw new Error(`settlement: ${settled.statusCode} ${settled.body}`)
  return { dispute, settlement: settled.json() }
}

export interface ConfirmationLink {
  id: string
  url: string
  code: string
  /** The link's path on the gateway, `/c/<token>`. */
  path: string
}

/** Asks for a confirmation link as `token`'s client. */
export async function requestLink(
  app: FastifyInstance,
  token: string,
  disputeId: string,
): Promise<ConfirmationLink> {
  const res = await as(app, token)({ method: 'POST', url: `/v1/disputes/${disputeId}/confirmation-requests` })
  if (res.statusCode !== 201) throw new Error(`confirmation request: ${res.statusCode} ${res.body}`)
  const body = res.json()
  return { id: body.id, url: body.url, code: body.code, path: new URL(body.url).pathname }
}

/**
 * A consumer's browser on the page, through `inject`: it keeps the cookie the page sets and
 * posts back the proof of the form it was last shown, as a browser would.
 */
export class PageVisitor {
  cookie: string | undefined
  form: string | undefined
  lastBody = ''

  constructor(
    private readonly app: FastifyInstance,
    private readonly path: string,
  ) {}

  async open(query = '') {
    const res = await this.app.inject({
      method: 'GET',
      url: `${this.path}${query}`,
      headers: this.cookie ? { cookie: this.cookie } : {},
    })
    this.remember(res)
    return res
  }

  async submit(fields: Record<string, string>, query = '') {
    const res = await this.app.inject({
      method: 'POST',
      url: `${this.path}${query}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(this.cookie ? { cookie: this.cookie } : {}),
      },
      payload: new URLSearchParams({ ...(this.form ? { form: this.form } : {}), ...fields }).toString(),
    })
    this.remember(res)
    return res
  }

  enterCode(code: string) {
    return this.submit({ step: 'code', code })
  }

  decide(decision: string, rating: string, comment?: string) {
    return this.submit({ step: 'decide', decision, rating, ...(comment === undefined ? {} : { comment }) })
  }

  private remember(res: { headers: Record<string, unknown>; body: string }) {
    const setCookie = res.headers['set-cookie']
    if (typeof setCookie === 'string') this.cookie = setCookie.split(';')[0]
    const form = /name="form" value="([^"]+)"/.exec(res.body)?.[1]
    if (form) this.form = form
    this.lastBody = res.body
  }
}
