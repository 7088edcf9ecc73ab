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
  scope: string
  client_id: string
}

const TOKEN_TYPE = 'at+jwt' // RFC 9068: an access token cannot be confused with another JWT
const CACHE_LIMIT = 50_000

/**
 * Issues and verifies access tokens (EdDSA JWTs). Verification pins the algorithm, issuer,
 * audience and type, and caches what it verified until the token expires, so the hot path
 * costs a map lookup and a revocation check.
 */
export class Tokens {
  private readonly verified = new Map<string, { principal: Principal; expiresAt: number }>()

  constructor(
    private readonly settings: TokenSettings,
    private readonly keys: KeyRing,
    private readonly revocations: Revocations,
  ) {}

  async issue(
    client: { id: string; role: Role; enterpriseId: string | null },
    scopes: readonly Scope[],
  ): Promise<IssuedToken> {
    const { kid, privateKey } = this.keys.signingKey()
    const scope = scopes.join(' ')
    const claims: AccessClaims = {
      role: client.role,
      scope,
      client_id: client.id,
      ...(client.enterpriseId ? { ent: client.enterpriseId } : {}),
    }
    const accessToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: TOKEN_TYPE })
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setSubject(client.id)
      .setIssuedAt()
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(privateKey)
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.settings.ttlSeconds, scope }
  }

  async verify(token: string): Promise<Principal> {
    const cached = this.verified.get(token)
    const principal =
      cached && cached.expiresAt > Date.now() ? cached.principal : await this.verifySignature(token)
    if (this.revocations.has(principal.clientId)) {
      this.verified.delete(token)
      throw problem('invalid_token', 'The API client of this token has been revoked.')
    }
    return principal
  }

  private async verifySignature(token: string): Promise<Principal> {
    let payload: AccessClaims
    try {
      const result = await jwtVerify<AccessClaims>(
        token,
        async (header) => {
          const key = header.kid ? await this.keys.publicKey(header.kid) : undefined
          if (!key) throw new joseErrors.JWKSNoMatchingKey()
          return key
        },
        {
          algorithms: ['EdDSA'],
          issuer: this.settings.issuer,
          audience: this.settings.audience,
          typ: TOKEN_TYPE,
          requiredClaims: ['exp', 'sub', 'jti'],
        },
      )
      payload = result.payload
    } catch (error) {
      // Looking the key up may need the database: its being out of reach says nothing of the token.
      if (storageFailure(error)) throw error
      const reason =
        error instanceof joseErrors.JWTExpired
          ? 'The access token has expired.'
          : 'The access token is not valid.'
      throw problem('invalid_token', `${reason} Get a new one from POST /v1/oauth/token.`)
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
    (role !== 'regulator' && role !== 'enterprise' && role !== 'witness') ||
    typeof payload.sub !== 'string'
  ) {
    throw problem('invalid_token', 'The access token does not name a known role.')
  }
  if (role === 'enterprise' && typeof payload.ent !== 'string') {
    throw problem('invalid_token', 'The access token does not name its enterprise.')
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
    scopes,
  }
}
