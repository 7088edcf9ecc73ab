import formBody from '@fastify/formbody'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import {
  type ConsumerDecision,
  type ConsumerRating,
  consumerDecisions,
  consumerRatings,
  MAX_COMMENT_LENGTH,
} from '../domain/confirmation/answers.js'
import { hashLinkToken } from '../domain/confirmation/secrets.js'
import { unstorableTextReason } from '../domain/storable-text.js'
import { FORM_COOKIE, FormProofs } from '../http/confirmation-page/form-proof.js'
import { LinkBudget } from '../http/confirmation-page/link-budget.js'
import {
  codePage,
  type DecisionDraft,
  decisionPage,
  donePage,
  type NoticeKind,
  noticePage,
} from '../http/confirmation-page/render.js'
import { stylesheetHash } from '../http/confirmation-page/stylesheet.js'
import { type PageLanguage, pageLanguages, texts } from '../http/confirmation-page/texts.js'
import { cookieValue } from '../http/cookies.js'
import { toProblem } from '../http/problem-handler.js'
import { ConfirmationForm } from '../schemas/confirmations.js'
import { checkCode } from '../services/confirmations/code-check.js'
import { decide } from '../services/confirmations/decide.js'
import { type LinkState, linkState } from '../services/confirmations/link.js'
import { settlementTerms } from '../services/confirmations/terms.js'

/** Requests one address may make to confirmation pages per minute (several consumers may share one). */
export const PAGE_LIMIT_PER_ADDRESS = 60
/** Requests one link may receive per minute, from anywhere. */
export const PAGE_LIMIT_PER_LINK = 20

const securityHeaders = {
  'content-security-policy': `default-src 'none'; style-src ${stylesheetHash}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
}

const html = (description: string, alsoProblem = false) => ({
  description,
  content: {
    'text/html': { schema: Type.String() },
    ...(alsoProblem ? { 'application/problem+json': { schema: Type.Ref('Problem') } } : {}),
  },
})

const pageResponses = {
  200: html('The page: the code form, the settlement with the decision form, or the thanks'),
  400: html(
    'The form could not be read; or, from the router, a malformed URL (`malformed_url`, as a problem)',
    true,
  ),
  403: html('The form did not come from this link’s page in this browser (CSRF refused); nothing changes'),
  404: html('No such link'),
  410: html('The link has expired, was voided (five wrong codes, or a newer link) or was used'),
  413: html('The form is larger than 1 MiB'),
  415: html('The form is not form-encoded'),
  422: html('A wrong code (the page says how many tries are left), or a decision without its choices'),
  429: html('Too many requests for this link or from this address'),
  503: html('The database is not reachable'),
}

const Params = Type.Object({ token: Type.String({ minLength: 1, maxLength: 64 }) })
const Query = Type.Object({
  lang: Type.Optional(
    Type.String({ maxLength: 8, description: '`zh` (the default) or `en`; anything else shows Chinese.' }),
  ),
})

function languageOf(request: FastifyRequest): PageLanguage {
  const lang = (request.query as { lang?: unknown } | undefined)?.lang
  return (pageLanguages as readonly unknown[]).includes(lang) ? (lang as PageLanguage) : 'zh'
}

function sendPage(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page)
}

function sendNotice(reply: FastifyReply, status: number, kind: NoticeKind): FastifyReply {
  return sendPage(reply, status, noticePage(languageOf(reply.request), kind))
}

/** The page of a link that is not open. */
function sendClosed(reply: FastifyReply, link: Exclude<LinkState, { state: 'open' }>): FastifyReply {
  return link.state === 'unknown' ? sendNotice(reply, 404, 'unknown') : sendNotice(reply, 410, link.state)
}

/**
 * `/c/{token}`: the consumer's confirmation page (docs/confirmation.md). Server-rendered
 * HTML without script; the code first, then the masked settlement and the decision. Every
 * answer, errors included, is an HTML page with the security headers; the token never
 * reaches a log line (logger.ts redacts the path).
 */
export const confirmationPageRoutes: FastifyPluginAsyncTypebox<{
  proofs: FormProofs
  publicUrl: string
}> = async (app, { proofs, publicUrl }) => {
  await app.register(formBody, { bodyLimit: 16 * 1024 })
  const secure = publicUrl.startsWith('https:')
  const basePath = new URL(publicUrl).pathname.replace(/\/+$/, '')

  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(securityHeaders)
    done(null, payload)
  })
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error)
    if (problem.status >= 500) request.log.error({ err: error }, 'confirmation page failed')
    const kind: NoticeKind =
      problem.status === 429 ? 'limited' : problem.status >= 500 ? 'error' : 'badRequest'
    for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value)
    return sendNotice(reply, problem.status, kind)
  })

  const budget = new LinkBudget(PAGE_LIMIT_PER_LINK, 60_000)
  const routeOptions = {
    // The address budget: counted before anything else, like every route's.
    config: { access: 'public' as const, rateLimit: { max: PAGE_LIMIT_PER_ADDRESS, timeWindow: 60_000 } },
    onRequest: (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void) => {
      try {
        budget.spend(
          hashLinkToken((request.params as { token: string }).token),
          app.database.clock.now().getTime(),
        )
        done()
      } catch (error) {
        done(error as Error)
      }
    },
  }

  /** The browser's nonce: the one it holds, or a new one set in a cookie scoped to this link. */
  function nonceFor(token: string, request: FastifyRequest, reply: FastifyReply): string {
    const held = cookieValue(request.headers.cookie, FORM_COOKIE)
    if (FormProofs.isNonce(held)) return held
    const nonce = FormProofs.newNonce()
    reply.header(
      'set-cookie',
      `${FORM_COOKIE}=${nonce}; Path=${basePath}/c/${token}; Max-Age=86400; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`,
    )
    return nonce
  }

  app.get(
    '/c/:token',
    {
      ...routeOptions,
      schema: {
        tags: ['confirmation page'],
        summary: 'The consumer’s confirmation page (HTML): asks for the code first',
        operationId: 'confirmationPage',
        params: Params,
        querystring: Query,
        response: pageResponses,
      },
    },
    async (request, reply) => {
      const link = await linkState(app.database.db, request.params.token, app.database.clock.now())
      if (link.state !== 'open') return sendClosed(reply, link)
      const nonce = nonceFor(request.params.token, request, reply)
      const proof = proofs.codeStep(link.request.token_hash, nonce)
      return sendPage(reply, 200, codePage(languageOf(request), proof))
    },
  )

  app.post(
    '/c/:token',
    {
      ...routeOptions,
      schema: {
        tags: ['confirmation page'],
        summary: 'The page’s form (HTML): the code, then the decision',
        operationId: 'confirmationPageForm',
        params: Params,
        querystring: Query,
        body: ConfirmationForm,
        response: pageResponses,
      },
    },
    async (request, reply) => {
      const { token } = request.params
      const lang = languageOf(request)
      const now = app.database.clock.now()
      const link = await linkState(app.database.db, token, now)
      if (link.state !== 'open') return sendClosed(reply, link)
      const tokenHash = link.request.token_hash
      const nonce = cookieValue(request.headers.cookie, FORM_COOKIE)
      const body = request.body

      if (body.step === 'code') {
        if (!FormProofs.isNonce(nonce) || !proofs.isCodeStep(body.form, tokenHash, nonce)) {
          return sendNotice(reply, 403, 'forbidden')
        }
        const checked = await checkCode(app.database, token, body.code ?? '', String(request.id))
        if ('state' in checked) return sendClosed(reply, checked)
        if (checked.outcome === 'wrong') {
          return sendPage(reply, 422, codePage(lang, body.form, texts[lang].wrongCode(checked.remaining)))
        }
        const terms = await settlementTerms(app.database.db, link.request.settlement_id)
        return sendPage(reply, 200, decisionPage(lang, terms, proofs.decisionStep(tokenHash, nonce, now)))
      }

      if (!FormProofs.isNonce(nonce) || !proofs.isDecisionStep(body.form, tokenHash, nonce, now)) {
        return sendNotice(reply, 403, 'forbidden')
      }
      const draft: DecisionDraft = { decision: body.decision, rating: body.rating, comment: body.comment }
      const comment = body.comment?.trim() ?? ''
      const error = !(
        (consumerDecisions as readonly string[]).includes(body.decision ?? '') &&
        (consumerRatings as readonly string[]).includes(body.rating ?? '')
      )
        ? texts[lang].missingChoice
        : Array.from(comment).length > MAX_COMMENT_LENGTH
          ? texts[lang].commentTooLong
          : unstorableTextReason(comment)
            ? texts[lang].commentNotStorable
            : undefined
      if (error) {
        const terms = await settlementTerms(app.database.db, link.request.settlement_id)
        return sendPage(reply, 422, decisionPage(lang, terms, body.form, draft, error))
      }
      const recorded = await decide(
        app.database,
        token,
        {
          decision: body.decision as ConsumerDecision,
          rating: body.rating as ConsumerRating,
          ...(comment === '' ? {} : { comment }),
        },
        String(request.id),
      )
      if ('state' in recorded) return sendClosed(reply, recorded)
      return sendPage(reply, 200, donePage(lang, recorded.confirmation.decision))
    },
  )
}
