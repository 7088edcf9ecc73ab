/**
 * Configuration comes from the environment only. Each variable is declared once here with
 * its default, its parser and a line of documentation; the README's configuration table is
 * written from the same declarations, so the two cannot drift apart.
 */

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`)
    this.name = 'ConfigError'
  }
}

type Parser<T> = (raw: string, name: string) => T

interface Variable<T> {
  name: string
  doc: string
  /** Shown in the docs; `undefined` means "unset". */
  defaultText: string
  parse: Parser<T>
  fallback: T
}

function integer(min: number, max: number): Parser<number> {
  return (raw, name) => {
    if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected an integer, got "${raw}"`)
    const value = Number(raw)
    if (value < min || value > max) throw new ConfigError(name, `expected ${min}–${max}, got ${value}`)
    return value
  }
}

function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  return (raw, name) => {
    if ((values as readonly string[]).includes(raw)) return raw as T
    throw new ConfigError(name, `expected one of ${values.join(', ')}, got "${raw}"`)
  }
}

const boolean: Parser<boolean> = (raw, name) => {
  if (['true', '1', 'yes'].includes(raw)) return true
  if (['false', '0', 'no'].includes(raw)) return false
  throw new ConfigError(name, `expected true or false, got "${raw}"`)
}

const text: Parser<string> = (raw, name) => {
  if (raw.trim() === '') throw new ConfigError(name, 'must not be empty')
  return raw
}

function url(protocols: readonly string[]): Parser<string> {
  return (raw, name) => {
    let parsed: URL
    try {
      parsed = new URL(raw)
    } catch {
      throw new ConfigError(
        name,
        `expected a URL (${protocols.join(' or ')}), got something that is not a URL`,
      )
    }
    if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
      throw new ConfigError(name, `expected a ${protocols.join(' or ')} URL, got ${parsed.protocol}//…`)
    }
    return raw
  }
}

const base64Key: Parser<string> = (raw, name) => {
  if (Buffer.from(raw, 'base64').length !== 32)
    throw new ConfigError(name, 'expected 32 bytes encoded in base64')
  return raw
}

const millisecondList: Parser<number[]> = (raw, name) => {
  const values = raw.split(',').map((part) => part.trim())
  if (values.some((value) => !/^\d+$/.test(value))) {
    throw new ConfigError(name, `expected comma-separated milliseconds, got "${raw}"`)
  }
  return values.map(Number)
}

const portList: Parser<number[]> = (raw, name) => {
  const values = raw.split(',').map((part) => part.trim())
  if (values.some((value) => !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535)) {
    throw new ConfigError(name, `expected comma-separated port numbers (1–65535), got "${raw}"`)
  }
  return values.map(Number)
}

function variable<T>(
  name: string,
  fallback: T,
  defaultText: string,
  parse: Parser<T>,
  doc: string,
): Variable<T> {
  return { name, fallback, defaultText, parse, doc }
}

export const variables = {
  port: variable('PORT', 3000, '`3000`', integer(0, 65535), 'TCP port the gateway listens on.'),
  host: variable(
    'HOST',
    '127.0.0.1',
    '`127.0.0.1`',
    text,
    'Address to bind; set `0.0.0.0` to accept connections from other hosts.',
  ),
  databaseUrl: variable<string | undefined>(
    'DATABASE_URL',
    undefined,
    'unset',
    url(['postgres', 'postgresql']),
    'PostgreSQL connection string. When unset, the embedded SQLite database is used.',
  ),
  sqlitePath: variable(
    'HEJIE_SQLITE_PATH',
    './data/hejie.db',
    '`./data/hejie.db`',
    text,
    'File of the embedded database (created with its folder when missing).',
  ),
  databasePoolSize: variable(
    'HEJIE_DB_POOL_SIZE',
    10,
    '`10`',
    integer(1, 500),
    'PostgreSQL connections per gateway process.',
  ),
  redisUrl: variable<string | undefined>(
    'REDIS_URL',
    undefined,
    'unset',
    url(['redis', 'rediss']),
    'Redis for rate-limit counters shared by several gateway instances. When unset, counters are kept in memory.',
  ),
  rateLimitMax: variable(
    'HEJIE_RATE_LIMIT_MAX',
    1200,
    '`1200`',
    integer(1, 10_000_000),
    'Requests one API client (or one address, before authentication) may make per window.',
  ),
  rateLimitWindowMs: variable(
    'HEJIE_RATE_LIMIT_WINDOW_MS',
    60_000,
    '`60000`',
    integer(1000, 86_400_000),
    'Length of the rate-limit window in milliseconds.',
  ),
  logLevel: variable(
    'LOG_LEVEL',
    'info' as const,
    '`info`',
    oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    'pino log level.',
  ),
  logFormat: variable(
    'LOG_FORMAT',
    'auto' as const,
    '`auto`',
    oneOf(['auto', 'json', 'pretty'] as const),
    '`pretty` for people, `json` for machines; `auto` is pretty in a terminal and JSON otherwise.',
  ),
  shutdownTimeoutMs: variable(
    'HEJIE_SHUTDOWN_TIMEOUT_MS',
    10_000,
    '`10000`',
    integer(100, 600_000),
    'How long a shutdown waits for in-flight requests and workers before it gives up.',
  ),
  publicUrl: variable<string | undefined>(
    'HEJIE_PUBLIC_URL',
    undefined,
    'unset (required when `NODE_ENV=production`; otherwise `http://HOST:PORT`)',
    url(['https', 'http']),
    'The address consumers reach the gateway at, e.g. `https://odr.example.gov.cn`: confirmation links (`/c/…`) are built from it, never from the request’s Host header.',
  ),
  confirmationTtlHours: variable(
    'HEJIE_CONFIRMATION_TTL_HOURS',
    168,
    '`168` (7 days)',
    integer(1, 2160),
    'How long a consumer confirmation link stays open.',
  ),
  consoleSessionHours: variable(
    'HEJIE_CONSOLE_SESSION_HOURS',
    8,
    '`8`',
    integer(1, 24),
    'How long a sign-in to the web console (`/console`) lasts at most, however active.',
  ),
  consoleDir: variable<string | undefined>(
    'HEJIE_CONSOLE_DIR',
    undefined,
    'unset (`packages/console/dist` of this repository)',
    text,
    'The built web console that `/console` serves (its `index.html` and `assets/`).',
  ),
  consoleIdleMinutes: variable(
    'HEJIE_CONSOLE_IDLE_MINUTES',
    30,
    '`30`',
    integer(1, 480),
    'A console session unused for this long ends (each access token the page fetches is a use).',
  ),
  tokenIssuer: variable(
    'HEJIE_TOKEN_ISSUER',
    'urn:hejie:gateway',
    '`urn:hejie:gateway`',
    text,
    'The `iss` of access tokens; verifiers pin it.',
  ),
  tokenAudience: variable(
    'HEJIE_TOKEN_AUDIENCE',
    'hejie-api',
    '`hejie-api`',
    text,
    'The `aud` of access tokens; verifiers pin it.',
  ),
  tokenTtlSeconds: variable(
    'HEJIE_TOKEN_TTL_SECONDS',
    900,
    '`900`',
    integer(60, 900),
    'Lifetime of an access token (at most 15 minutes).',
  ),
  tokenRateLimit: variable(
    'HEJIE_TOKEN_RATE_LIMIT',
    20,
    '`20`',
    integer(1, 100_000),
    'Token requests per minute for one `client_id`; one source address gets five times as many.',
  ),
  keyActivationDelayMs: variable(
    'HEJIE_KEY_ACTIVATION_DELAY_MS',
    60_000,
    '`60000`',
    integer(200, 3_600_000),
    'After `hejie-gateway keys rotate`, how long a new key is published before it signs (every instance refreshes its keys twice in this time).',
  ),
  masterKey: variable<string | undefined>(
    'HEJIE_MASTER_KEY',
    undefined,
    'unset',
    base64Key,
    '32 random bytes, base64: encrypts the signing keys at rest. Set the same value on every instance; when unset, the key is read from (or created in) `HEJIE_MASTER_KEY_FILE`.',
  ),
  masterKeyFile: variable(
    'HEJIE_MASTER_KEY_FILE',
    './data/master.key',
    '`./data/master.key`',
    text,
    'File holding the master key when `HEJIE_MASTER_KEY` is unset; created with mode 0600 if missing.',
  ),
  responseWorkingDays: variable(
    'HEJIE_RESPONSE_WORKING_DAYS',
    10,
    '`10`',
    integer(1, 60),
    'Working days an enterprise has to settle a dispute from assignment (the 12315 ODR rule is 10).',
  ),
  deadlineWarningWorkingDays: variable(
    'HEJIE_DEADLINE_WARNING_WORKING_DAYS',
    2,
    '`2`',
    integer(0, 30),
    '`dispute.deadline_approaching` fires this many working days before `respond_by`.',
  ),
  mediationWorkingDays: variable(
    'HEJIE_MEDIATION_WORKING_DAYS',
    45,
    '`45`',
    integer(1, 120),
    'Working days administrative mediation has from the escalation (the 12315 rule is 45); `dispute.mediation_deadline_approaching` fires `HEJIE_DEADLINE_WARNING_WORKING_DAYS` before it.',
  ),
  calendarFile: variable<string | undefined>(
    'HEJIE_CALENDAR_FILE',
    undefined,
    'unset',
    text,
    'JSON `{ "holidays": [...], "workdays": [...] }` (YYYY-MM-DD) adding to the shipped Chinese statutory holiday calendar, e.g. for a year it does not cover yet.',
  ),
  calendarMode: variable(
    'HEJIE_CALENDAR_MODE',
    'extend' as const,
    '`extend`',
    oneOf(['extend', 'replace'] as const),
    '`replace` makes `HEJIE_CALENDAR_FILE` the whole calendar instead of an addition.',
  ),
  autoEscalateOverdue: variable(
    'HEJIE_AUTO_ESCALATE_OVERDUE',
    false,
    '`false`',
    boolean,
    'Escalate a dispute to administrative mediation as soon as it is overdue.',
  ),
  idempotencyRetentionHours: variable(
    'HEJIE_IDEMPOTENCY_RETENTION_HOURS',
    48,
    '`48`',
    integer(24, 8760),
    'How long the response to a request with an `Idempotency-Key` is kept for replay (at least 24 h); older records are purged every hour.',
  ),
  deadlineScanIntervalMs: variable(
    'HEJIE_DEADLINE_SCAN_INTERVAL_MS',
    60_000,
    '`60000`',
    integer(100, 3_600_000),
    'How often the deadline scanner looks for disputes nearing or past `respond_by`.',
  ),
  riskSignalsIntervalMs: variable(
    'HEJIE_RISK_SIGNALS_INTERVAL_MS',
    600_000,
    '`600000` (10 min)',
    integer(1000, 86_400_000),
    'How often the risk-signals job recomputes the signals of the current and the previous window (docs/risk-signals.md).',
  ),
  riskRisingPreviousWindows: variable(
    'HEJIE_RISK_RISING_PREVIOUS_WINDOWS',
    4,
    '`4`',
    integer(1, 52),
    '`rising_volume`: how many windows before the current one make its baseline (their mean count).',
  ),
  riskRisingPercent: variable(
    'HEJIE_RISK_RISING_PERCENT',
    200,
    '`200`',
    integer(101, 10_000),
    "`rising_volume`: raised when a window's count reaches this percentage of the baseline.",
  ),
  riskRisingMinCount: variable(
    'HEJIE_RISK_RISING_MIN_COUNT',
    5,
    '`5`',
    integer(1, 100_000),
    '`rising_volume`: and at least this many disputes in the window.',
  ),
  riskRepeatedProblemMin: variable(
    'HEJIE_RISK_REPEATED_PROBLEM_MIN',
    5,
    '`5`',
    integer(2, 100_000),
    '`repeated_problem`: raised when one enterprise has this many disputes of one category in a window.',
  ),
  riskLowSettlementPercent: variable(
    'HEJIE_RISK_LOW_SETTLEMENT_PERCENT',
    50,
    '`50`',
    integer(1, 100),
    "`low_settlement_rate`: raised when an enterprise's settlement rate in a window is below this percentage.",
  ),
  riskLowSettlementMinConcluded: variable(
    'HEJIE_RISK_LOW_SETTLEMENT_MIN_CONCLUDED',
    5,
    '`5`',
    integer(1, 100_000),
    '`low_settlement_rate`: only over at least this many concluded disputes.',
  ),
  riskOverdueClusterMin: variable(
    'HEJIE_RISK_OVERDUE_CLUSTER_MIN',
    3,
    '`3`',
    integer(2, 100_000),
    '`overdue_cluster`: raised when one enterprise has this many overdue disputes assigned in a window.',
  ),
  riskRepeatComplainantMin: variable(
    'HEJIE_RISK_REPEAT_COMPLAINANT_MIN',
    3,
    '`3`',
    integer(2, 100_000),
    '`repeat_complainant`: raised when one consumer (by phone key) has this many disputes in a window.',
  ),
  auditOrigin: variable(
    'HEJIE_AUDIT_ORIGIN',
    'hejie.audit.v1',
    '`hejie.audit.v1`',
    text,
    "The name of this deployment's audit log, signed into every checkpoint so checkpoints of two logs cannot be confused.",
  ),
  checkpointIntervalMs: variable(
    'HEJIE_CHECKPOINT_INTERVAL_MS',
    30_000,
    '`30000`',
    integer(100, 60_000),
    'How often a new signed checkpoint is made while audit entries arrive (at most a minute).',
  ),
  trustProxy: variable(
    'HEJIE_TRUST_PROXY',
    false,
    '`false`',
    boolean,
    'Trust `X-Forwarded-*` headers (set behind a load balancer, so rate limits see client addresses).',
  ),
  webhookAllowPrivateTargets: variable(
    'HEJIE_WEBHOOK_ALLOW_PRIVATE_TARGETS',
    false,
    '`false`',
    boolean,
    'Let webhook endpoints use http and private, loopback or link-local addresses. For development and tests only: it disables the SSRF protection.',
  ),
  webhookAllowedPorts: variable<number[]>(
    'HEJIE_WEBHOOK_ALLOWED_PORTS',
    [],
    'unset',
    portList,
    'Ports webhook URLs may name besides 443 and 80, comma-separated (e.g. `8443`). Checked when an endpoint is saved and at every delivery.',
  ),
  webhookDispatch: variable(
    'HEJIE_WEBHOOK_DISPATCH',
    true,
    '`true`',
    boolean,
    'Deliver webhooks from this process. Set `false` on API-only instances when `hejie-gateway worker` processes deliver.',
  ),
  webhookRetryScheduleMs: variable(
    'HEJIE_WEBHOOK_RETRY_SCHEDULE_MS',
    [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000],
    '`0,5000,300000,1800000,7200000,18000000,36000000,50400000,72000000,86400000`',
    millisecondList,
    'Delay before each delivery attempt, comma-separated milliseconds (the first is the first attempt); ±10 % jitter. After the last, the delivery fails.',
  ),
  webhookTimeoutMs: variable(
    'HEJIE_WEBHOOK_TIMEOUT_MS',
    10_000,
    '`10000`',
    integer(100, 60_000),
    'How long one delivery attempt may take (connection, headers and body) before it counts as failed.',
  ),
  webhookConcurrency: variable(
    'HEJIE_WEBHOOK_CONCURRENCY',
    32,
    '`32`',
    integer(1, 1000),
    'Webhook requests one process keeps in flight.',
  ),
  webhookPollIntervalMs: variable(
    'HEJIE_WEBHOOK_POLL_INTERVAL_MS',
    1000,
    '`1000`',
    integer(50, 60_000),
    'How often the dispatcher looks for due deliveries without a wake-up (retries, and other instances on SQLite).',
  ),
  webhookDisableAfterMs: variable(
    'HEJIE_WEBHOOK_DISABLE_AFTER_MS',
    432_000_000,
    '`432000000` (5 days)',
    integer(1000, 31_536_000_000),
    'An endpoint failing this long without one success is disabled and `webhook_endpoint.disabled` is emitted.',
  ),
} as const

type Variables = typeof variables
export type Config = { [K in keyof Variables]: Variables[K]['fallback'] }

/**
 * Reads and validates every variable. Throws a `ConfigError` naming the first bad variable;
 * the process prints that one line and exits non-zero.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const config: Record<string, unknown> = {}
  for (const [key, spec] of Object.entries(variables) as [string, Variable<unknown>][]) {
    const raw = env[spec.name]
    config[key] = raw === undefined || raw === '' ? spec.fallback : spec.parse(raw, spec.name)
  }
  const loaded = { ...(config as Config), ...overrides }
  // A link built from a guessed address would send consumers elsewhere, or nowhere.
  if (env.NODE_ENV === 'production' && loaded.publicUrl === undefined) {
    throw new ConfigError(variables.publicUrl.name, 'must be set when NODE_ENV=production')
  }
  return loaded
}

/** Where consumers reach this gateway: `HEJIE_PUBLIC_URL`, else (development, demo) its own address. */
export function publicUrlOf(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl !== undefined) return config.publicUrl.replace(/\/+$/, '')
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`
}

/** The configuration reference as a Markdown table (written into the README). */
export function configurationTable(): string {
  const rows = Object.values(variables).map(
    (spec: Variable<unknown>) => `| \`${spec.name}\` | ${spec.defaultText} | ${spec.doc} |`,
  )
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n')
}
