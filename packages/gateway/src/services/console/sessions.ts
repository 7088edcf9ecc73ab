import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Role } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import type { Database } from '../../storage/database.js'
import type { ApiClientTable, ConsoleSessionTable } from '../../storage/schema.js'
import { authenticateClient } from '../identity/clients.js'

export interface ConsoleSessionSettings {
  /** The absolute lifetime of a sign-in. */
  lifetimeMs: number
  /** A session unused for this long ends. */
  idleMs: number
}

/** The client a session acts for, as the console shows it and as tokens are issued to it. */
export interface ConsoleClient {
  id: string
  role: Role
  enterpriseId: string | null
  jurisdictionId: string | null
  unitId: string | null
  unitKind: string | null
  scopes: string | null
}

/** What `POST` and `GET /console/session` answer. */
export interface ConsoleSessionView {
  object: 'console_session'
  csrf_token: string
  expires_at: string
  idle_expires_at: string
  idle_timeout_seconds: number
  principal: {
    role: Role
    client_id: string
    enterprise_id: string | null
    jurisdiction_id: string | null
    unit_id: string | null
  }
}

export interface ResumedSession {
  client: ConsoleClient
  view: ConsoleSessionView
  secretHash: string
}

/** Ended sessions are kept this long, so that their cookie is told "ended" rather than "unknown". */
const ENDED_KEPT_MS = 24 * 60 * 60 * 1000

/**
 * Sign-in sessions of the web console. The cookie carries 256 random bits; the database keeps
 * their SHA-256. The CSRF token is an HMAC of that hash under a key derived from the master
 * key: the page learns it from a same-origin answer, which another site's page cannot read,
 * and the server need not store it.
 *
 * Every use reads the session and its client together, so a revoked client's session ends
 * at its next use, on every instance, with no cache to wait for.
 */
export class ConsoleSessions {
  constructor(
    private readonly database: Database,
    private readonly settings: ConsoleSessionSettings,
    private readonly csrfKey: Buffer,
  ) {}

  /** How long the sign-in cookie is kept: the session's absolute lifetime. */
  get lifetimeSeconds(): number {
    return Math.round(this.settings.lifetimeMs / 1000)
  }

  /** A new session for these credentials, or null when they do not name an active client. */
  async signIn(
    clientId: string,
    secret: string,
  ): Promise<{ secret: string; session: ResumedSession } | null> {
    const row = await authenticateClient(this.database.db, clientId, secret)
    if (!row) return null
    const cookieSecret = randomBytes(32).toString('base64url')
    const now = Date.now()
    const session: ConsoleSessionTable = {
      secret_hash: hashOf(cookieSecret),
      client_id: row.id,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + this.settings.lifetimeMs).toISOString(),
      idle_expires_at: new Date(now + Math.min(this.settings.idleMs, this.settings.lifetimeMs)).toISOString(),
    }
    await this.database.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('console_sessions')
        .where('idle_expires_at', '<', new Date(now - ENDED_KEPT_MS).toISOString())
        .execute()
      await trx.insertInto('console_sessions').values(session).execute()
    })
    const client = clientOf({ ...row, client_id: row.id })
    return {
      secret: cookieSecret,
      session: { client, view: this.viewOf(session, client), secretHash: session.secret_hash },
    }
  }

  /**
   * The live session of this cookie; with `touch`, its idle expiry moves forward. Throws
   * `console_session_required` for no or an unknown cookie, `console_session_expired` for a
   * session past either expiry or whose client was revoked.
   */
  async resume(cookieSecret: string | undefined, options: { touch: boolean }): Promise<ResumedSession> {
    if (!cookieSecret)
      throw problem('console_session_required', {
        en: 'Sign in to the console first.',
        zh: '请先登录控制台。',
      })
    const secretHash = hashOf(cookieSecret)
    const row = await this.database.db
      .selectFrom('console_sessions')
      .innerJoin('api_clients', 'api_clients.id', 'console_sessions.client_id')
      .leftJoin('handling_units', 'handling_units.id', 'api_clients.unit_id')
      .selectAll('console_sessions')
      .select([
        'api_clients.role',
        'api_clients.enterprise_id',
        'api_clients.jurisdiction_id',
        'api_clients.unit_id',
        'api_clients.scopes',
        'api_clients.revoked_at',
        'handling_units.kind as unit_kind',
      ])
      .where('console_sessions.secret_hash', '=', secretHash)
      .executeTakeFirst()
    if (!row)
      throw problem('console_session_required', {
        en: 'This browser is not signed in; sign in again.',
        zh: '此浏览器未登录；请重新登录。',
      })
    const now = Date.now()
    if (row.revoked_at) {
      await this.end(secretHash)
      throw problem('console_session_expired', {
        en: 'The API client of this session was revoked; the session has ended.',
        zh: '此会话所属的 API 客户端已被吊销，会话已结束。',
      })
    }
    if (Date.parse(row.expires_at) <= now)
      throw problem('console_session_expired', {
        en: 'The session reached its time limit; sign in again.',
        zh: '会话已到时限；请重新登录。',
      })
    if (Date.parse(row.idle_expires_at) <= now)
      throw problem('console_session_expired', {
        en: 'The session was unused for too long; sign in again.',
        zh: '会话闲置时间过长；请重新登录。',
      })
    let session: ConsoleSessionTable = row
    if (options.touch) {
      const idleExpiresAt = new Date(
        Math.min(now + this.settings.idleMs, Date.parse(row.expires_at)),
      ).toISOString()
      await this.database.db
        .updateTable('console_sessions')
        .set({ idle_expires_at: idleExpiresAt })
        .where('secret_hash', '=', secretHash)
        .execute()
      session = { ...row, idle_expires_at: idleExpiresAt }
    }
    const client = clientOf(row)
    return { client, view: this.viewOf(session, client), secretHash }
  }

  /** Throws `csrf_failed` unless `header` is the CSRF token of the session. */
  checkCsrf(secretHash: string, header: string | undefined): void {
    const expected = Buffer.from(this.csrfTokenOf(secretHash))
    const given = Buffer.from(header ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw problem('csrf_failed', {
        en: 'Send the session’s csrf_token in the x-csrf-token header.',
        zh: '请在 x-csrf-token 请求头中发送会话的 csrf_token。',
      })
  }

  async end(secretHash: string): Promise<void> {
    await this.database.db.deleteFrom('console_sessions').where('secret_hash', '=', secretHash).execute()
  }

  private csrfTokenOf(secretHash: string): string {
    return createHmac('sha256', this.csrfKey).update(secretHash).digest('base64url')
  }

  private viewOf(session: ConsoleSessionTable, client: ConsoleClient): ConsoleSessionView {
    return {
      object: 'console_session',
      csrf_token: this.csrfTokenOf(session.secret_hash),
      expires_at: session.expires_at,
      idle_expires_at: session.idle_expires_at,
      idle_timeout_seconds: Math.round(this.settings.idleMs / 1000),
      principal: {
        role: client.role,
        client_id: client.id,
        enterprise_id: client.enterpriseId,
        jurisdiction_id: client.jurisdictionId,
        unit_id: client.unitId,
      },
    }
  }
}

type ClientRow = Pick<ApiClientTable, 'role' | 'enterprise_id' | 'jurisdiction_id' | 'unit_id' | 'scopes'> & {
  client_id: string
  unit_kind: string | null
}

function clientOf(row: ClientRow): ConsoleClient {
  return {
    id: row.client_id,
    role: row.role,
    enterpriseId: row.enterprise_id,
    jurisdictionId: row.jurisdiction_id,
    unitId: row.unit_id,
    unitKind: row.unit_kind,
    scopes: row.scopes,
  }
}

function hashOf(cookieSecret: string): string {
  return createHash('sha256').update(cookieSecret).digest('base64url')
}
