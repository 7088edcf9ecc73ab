import { randomUUID } from 'node:crypto'
import { type JWTPayload, errors as joseErrors, jwtVerify, SignJWT } from 'jose'
import { isScope, type Principal, type Role, type Scope } from '../../domain/principal.js'
import { problem } from '../../errors.js'
import { storageFailure } from '../../storage/failures.js'
import type { KeyRing } from './key-ring.js'
import type { Revocations } from './revocations.js'

export interface TokenSettings {
  issuer: string
  audience: string
  ttlSeconds: number
}

export interface IssuedToken {
  access_token: string
  token_type: 'Bearer'
  expires_in: number
  scope: string
}

interface AccessClaims extends JWTPayload {
  role: Role
  ent?: string
  /** A regulator's jurisdiction; a unit's. */
  jur?: string
  /** A unit client's handling unit, and its kind. */
  hnu?: string
  hnk?: string
  scope: string
  client_id: string
}

const TOKEN_TYPE = 'at+jwt' // RFC 9068: an access token cannot be confused with another JWT
const CACHE_LIMIT = 50_000
/** How far the clocks of two instances may disagree about a key's retirement. */
const RETIREMENT_GRACE_MS = 30_000

/**
 * Issues and verifies access tokens (EdDSA JWTs). Verification pins the algorithm, issuer,
 * audience and type, and caches what it verified until the token expires, so the hot path
 * costs a map lookup and a revocation check.
 *
 * Two limits hold whoever signed a token. Its lifetime (`exp` − `iat`) is at most the
 * configured token lifetime: a leaked signing key cannot mint tokens that outlive a
 * rotation. And a retired key verifies only what it can have signed: tokens issued before
 * it retired, until the last of them expires; after that it only verifies the audit
 * checkpoints it signed.
 */
export class Tokens {
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>()

  constructor(
    private readonly settings: TokenSettings,
    private readonly keys: KeyRing,
    private readonly revocations: Revocations,
  ) {}

  async issue(
    client: {
      id: string
      role: Role
      enterpriseId: string | null
      jurisdictionId: string | null
      unitId?: string | null
      unitKind?: string | null
    },
    scopes: readonly Scope[],
  ): Promise<IssuedToken> {
    const { kid, privateKey } = this.keys.signingKey()
    const issuedAt = Math.floor(Date.now() / 1000)
    const scope = scopes.join(' ')
    const claims: AccessClaims = {
      role: client.role,
      scope,
      client_id: client.id,
      ...(client.enterpriseId ? { ent: client.enterpriseId } : {}),
      ...(client.jurisdictionId ? { jur: client.jurisdictionId } : {}),
      ...(client.unitId ? { hnu: client.unitId, hnk: client.unitKind ?? '' } : {}),
    }
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: TOKEN_TYPE })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(client.id)
      // One reading of the clock for both: two readings a second boundary apart would give
      // a token one second longer than its lifetime, which verification refuses.
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.settings.ttlSeconds)
      .setJti(randomUUID())
      .sign(privateKey)
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.settings.ttlSeconds, scope }
  }

  /**
   * The client of a token this instance has verified and that has not expired, or null:
   * a map lookup, no signature check, for the rate limiter to count the request against.
   */
  verifiedClientOf(token: string): string | null {
    const cached = this.verified.get(token)
    return cached && cached.expiresAt > Date.now() ? cached.principal.clientId : null
  }

  async verify(token: string): Promise<Principal> {
    const cached = this.verified.get(token)
    const principal =
      cached && cached.expiresAt > Date.now() ? cached.principal : await this.verifySignature(token)
    if (this.revocations.has(principal.clientId)) {
      this.verified.delete(token)
      throw problem('invalid_token', {
        en: 'The API client of this token has been revoked.',
        zh: '该令牌所属的 API 客户端已被吊销。',
      })
    }
    return principal
  }

  /** Whether every token a key retired at `retiredAt` can have signed has expired. */
  private pastRetirement(retiredAt: number | null): boolean {
    return (
      retiredAt !== null && Date.now() > retiredAt + this.settings.ttlSeconds * 1000 + RETIREMENT_GRACE_MS
    )
  }

  private async verifySignature(token: string): Promise<Principal> {
    let payload: AccessClaims
    let retiredAt: number | null = null
    try {
      const result = await jwtVerify<AccessClaims>(
        token,
        async (header) => {
          const key = header.kid ? await this.keys.publicKey(header.kid) : undefined
          if (!key || this.pastRetirement(key.retiredAt)) throw new joseErrors.JWKSNoMatchingKey()
          retiredAt = key.retiredAt
          return key.publicKey
        },
        {
          algorithms: ['EdDSA'],
          issuer: this.settings.issuer,
          audience: this.settings.audience,
          typ: TOKEN_TYPE,
          requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        },
      )
      payload = result.payload
    } catch (error) {
      // Looking the key up may need the database: its being out of reach says nothing of the token.
      if (storageFailure(error)) throw error
      const expired = error instanceof joseErrors.JWTExpired
      throw problem('invalid_token', {
        en: `${expired ? 'The access token has expired.' : 'The access token is not valid.'} Get a new one from POST /v1/oauth/token.`,
        zh: `${expired ? '访问令牌已过期。' : '访问令牌无效。'}请通过 POST /v1/oauth/token 重新获取。`,
      })
    }
    const { exp = 0, iat = 0 } = payload
    // A token dated ahead would otherwise stretch its lifetime: iat a year ahead, exp 15 minutes after.
    if (exp - iat > this.settings.ttlSeconds || iat * 1000 > Date.now() + RETIREMENT_GRACE_MS) {
      throw problem('invalid_token', {
        en: `The access token lives longer than the ${this.settings.ttlSeconds} s this gateway allows. Get a new one from POST /v1/oauth/token.`,
        zh: `访问令牌的有效期超过了本网关允许的 ${this.settings.ttlSeconds} 秒。请通过 POST /v1/oauth/token 重新获取。`,
      })
    }
    if (retiredAt !== null && iat * 1000 > retiredAt + RETIREMENT_GRACE_MS) {
      throw problem('invalid_token', {
        en: 'The access token was issued after its signing key retired. Get a new one from POST /v1/oauth/token.',
        zh: '访问令牌签发于其签名密钥停用之后。请通过 POST /v1/oauth/token 重新获取。',
      })
    }
    const principal = principalFrom(payload)
    if (this.verified.size >= CACHE_LIMIT) this.verified.delete(this.verified.keys().next().value as string)
    this.verified.set(token, { principal, expiresAt: (payload.exp ?? 0) * 1000 })
    return principal
  }
}

function principalFrom(payload: AccessClaims): Principal {
  const role = payload.role
  if (
    (role !== 'regulator' && role !== 'enterprise' && role !== 'witness' && role !== 'unit') ||
    typeof payload.sub !== 'string'
  ) {
    throw problem('invalid_token', {
      en: 'The access token does not name a known role.',
      zh: '访问令牌中的角色无法识别。',
    })
  }
  if (role === 'enterprise' && typeof payload.ent !== 'string') {
    throw problem('invalid_token', {
      en: 'The access token does not name its enterprise.',
      zh: '访问令牌中没有写明所属企业。',
    })
  }
  if (role === 'unit' && (typeof payload.hnu !== 'string' || typeof payload.jur !== 'string')) {
    throw problem('invalid_token', {
      en: 'The access token does not name its handling unit.',
      zh: '访问令牌中没有写明所属承办单位。',
    })
  }
  if (role === 'regulator' && typeof payload.jur !== 'string') {
    throw problem('invalid_token', {
      en: 'The access token does not name its jurisdiction.',
      zh: '访问令牌中没有写明所属辖区。',
    })
  }
  const scopes = new Set(
    String(payload.scope ?? '')
      .split(' ')
      .filter(isScope),
  )
  return {
    role,
    clientId: payload.sub,
    enterpriseId: role === 'enterprise' ? (payload.ent as string) : null,
    jurisdictionId: role === 'regulator' || role === 'unit' ? (payload.jur as string) : null,
    ...(role === 'unit'
      ? { unitId: payload.hnu as string, unitKind: payload.hnk as NonNullable<Principal['unitKind']> }
      : {}),
    scopes,
  }
}
