import { type LookupAddress, lookup } from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'
import { Agent, buildConnector } from 'undici'
import { problem } from '../../errors.js'

/**
 * Where webhooks may go. `allowPrivate` turns the SSRF protection off (development and
 * tests: http, any address, any port); otherwise only https to globally routable unicast
 * addresses on an allowed port.
 */
export interface TargetPolicy {
  allowPrivate: boolean
  /** Ports allowed besides 443 and 80 (`HEJIE_WEBHOOK_ALLOWED_PORTS`). */
  extraPorts: readonly number[]
}

/**
 * Ports webhooks are sent to without configuration: the web's own. A receiver is a public
 * web service, and every other port of a public address is someone's SSH, SMTP, database or
 * admin console that a webhook URL would otherwise let an API client knock on.
 */
export const WEB_PORTS: readonly number[] = [443, 80]

/**
 * SSRF protection for webhook delivery. A webhook URL is chosen by an API client, so without
 * these checks the gateway would fetch its own admin ports, the private network, or the cloud
 * metadata service on their behalf. Only globally routable unicast addresses are allowed:
 * ipaddr.js classifies loopback, private (RFC 1918), link-local (169.254/16 with the metadata
 * address), unique-local (fc00::/7), CGNAT (100.64/10), 0.0.0.0/8 and the rest as other ranges.
 *
 * An IPv6 address that carries an IPv4 address is judged by the IPv4 address it carries,
 * since that is where a packet to it can end up: IPv4-mapped (::ffff:a.b.c.d),
 * IPv4-compatible (::a.b.c.d, which URL parsing writes as ::7f00:1 and ipaddr.js then calls
 * unicast), IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d), 6to4 (2002:a.b.c.d::)
 * and Teredo (its server and its client). Where the IPv6 form is a plain translation (mapped,
 * compatible, translated, NAT64 with the well-known prefix) a public IPv4 address makes it
 * allowed; 6to4, Teredo and the local-use NAT64 prefix stay refused by their own range.
 */
export function forbiddenAddressReason(address: string): string | null {
  const found = forbiddenAddress(address)
  if (found === null) return null
  if (found.range === null) return `${address} is not an IP address`
  if (found.carries) return `${address} is a ${found.range} address (it carries ${found.carries})`
  return `${address} is ${rangeWords[found.range] ?? `a ${found.range}`} address`
}

/** The same reason as `forbiddenAddressReason`, in Chinese. */
export function forbiddenAddressReasonInChinese(address: string): string | null {
  const found = forbiddenAddress(address)
  if (found === null) return null
  if (found.range === null) return `${address} 不是 IP 地址`
  const words = rangeWordsZh[found.range] ?? `${found.range} `
  if (found.carries) return `${address} 是${words}地址（内含 ${found.carries}）`
  return `${address} 是${words}地址`
}

/**
 * Why an address is refused, as data: its ipaddr.js range (null when it is no IP address) and
 * the IPv4 address an IPv6 one carries, if that is what is refused; null when it is allowed.
 */
function forbiddenAddress(address: string): { range: string | null; carries?: string } | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6
  try {
    parsed = ipaddr.parse(address)
  } catch {
    return { range: null }
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6
    const carried = embeddedIPv4(v6)
    for (const v4 of carried.addresses) {
      const range = v4.range()
      if (range !== 'unicast') return { range, carries: v4.toString() }
    }
    if (carried.translation) return null
  }
  const range = parsed.range()
  if (range === 'unicast') return null
  return { range }
}

/** ipaddr.js's range names, in Chinese. */
const rangeWordsZh: Record<string, string> = {
  unspecified: '未指定',
  broadcast: '广播',
  multicast: '组播',
  linkLocal: '链路本地',
  loopback: '环回',
  carrierGradeNat: '运营商级 NAT',
  private: '私有',
  reserved: '保留',
  uniqueLocal: '唯一本地',
  ipv4Mapped: 'IPv4 映射',
  rfc6145: 'IPv4 转换（RFC 6145）',
  rfc6052: 'IPv4 嵌入（RFC 6052）',
  '6to4': ' 6to4 ',
  teredo: ' Teredo ',
  benchmarking: '基准测试',
  amt: ' AMT ',
  as112: ' AS112 ',
  deprecated: '已弃用',
  orchid2: ' ORCHIDv2 ',
  discard: '仅丢弃',
}

/** ipaddr.js's range names, as a sentence says them (with their article). */
const rangeWords: Record<string, string> = {
  unspecified: 'an unspecified',
  broadcast: 'a broadcast',
  multicast: 'a multicast',
  linkLocal: 'a link-local',
  loopback: 'a loopback',
  carrierGradeNat: 'a carrier-grade NAT',
  private: 'a private',
  reserved: 'a reserved',
  uniqueLocal: 'a unique-local',
  ipv4Mapped: 'an IPv4-mapped',
  rfc6145: 'an IPv4-translated (RFC 6145)',
  rfc6052: 'an IPv4-embedded (RFC 6052)',
  '6to4': 'a 6to4',
  teredo: 'a Teredo',
  benchmarking: 'a benchmarking',
  amt: 'an AMT',
  as112: 'an AS112',
  deprecated: 'a deprecated',
  orchid2: 'an ORCHIDv2',
  discard: 'a discard-only',
}

/** The IPv4 addresses an IPv6 address carries, and whether it is a plain translation of one. */
function embeddedIPv4(address: ipaddr.IPv6): { addresses: ipaddr.IPv4[]; translation: boolean } {
  const p = address.parts
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff])
  const zero = (from: number, to: number) => p.slice(from, to).every((part) => part === 0)
  const high = p[6] ?? 0
  const low = p[7] ?? 0
  // ::a.b.c.d (compatible), ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated, RFC 6145)
  if (zero(0, 5) && (p[5] === 0 || p[5] === 0xffff)) return { addresses: [v4(high, low)], translation: true }
  if (zero(0, 4) && p[4] === 0xffff && p[5] === 0) return { addresses: [v4(high, low)], translation: true }
  // NAT64, the well-known prefix 64:ff9b::/96 (RFC 6052)
  if (p[0] === 0x64 && p[1] === 0xff9b && zero(2, 6)) return { addresses: [v4(high, low)], translation: true }
  // 6to4, 2002:a.b.c.d::/48 (RFC 3056)
  if (p[0] === 0x2002) return { addresses: [v4(p[1] ?? 0, p[2] ?? 0)], translation: false }
  // Teredo, 2001:0::/32 (RFC 4380): the server, then the client with its bits inverted
  if (p[0] === 0x2001 && p[1] === 0) {
    return { addresses: [v4(p[2] ?? 0, p[3] ?? 0), v4(~high & 0xffff, ~low & 0xffff)], translation: false }
  }
  return { addresses: [], translation: false }
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

/** The port a URL connects to, its scheme's default when it names none. */
function portOf(url: { port: string; protocol: string }): number {
  if (url.port !== '') return Number(url.port)
  return url.protocol === 'http:' ? 80 : 443
}

function forbiddenPortReason(port: number, policy: TargetPolicy): string | null {
  if (policy.allowPrivate || WEB_PORTS.includes(port) || policy.extraPorts.includes(port)) return null
  return `port ${port} is not allowed (allowed: ${allowedPorts(policy)})`
}

function allowedPorts(policy: TargetPolicy): string {
  return [...WEB_PORTS, ...policy.extraPorts].join(', ')
}

/**
 * Checks a URL when an endpoint is created or changed: the scheme, the port, and a host
 * written as an IP address. Host names are checked again after DNS at every connection,
 * since what a name resolves to can change after this check.
 */
export function assertAllowedWebhookUrl(raw: string, policy: TargetPolicy): void {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw problem(
      'validation_failed',
      { en: 'The webhook url is not a URL.', zh: 'Webhook 的 url 不是有效的 URL。' },
      {
        errors: [{ path: 'body/url', message: { en: 'not a URL', zh: '不是 URL' } }],
      },
    )
  }
  if (url.username || url.password) {
    throw problem('webhook_url_not_allowed', {
      en: 'A webhook URL must not carry credentials.',
      zh: 'Webhook URL 中不能带用户名或密码。',
    })
  }
  if (policy.allowPrivate) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw problem('webhook_url_not_allowed', {
        en: 'A webhook URL must be http or https.',
        zh: 'Webhook URL 必须使用 http 或 https。',
      })
    }
    return
  }
  const host = hostOf(url)
  if (isIP(host)) {
    const reason = forbiddenAddressReason(host)
    if (reason)
      throw problem('webhook_url_not_allowed', {
        en: `Webhooks are sent only to public addresses, and ${reason}.`,
        zh: `Webhook 只推送到公网地址，而 ${forbiddenAddressReasonInChinese(host)}。`,
      })
  }
  if (url.protocol !== 'https:') {
    throw problem('webhook_url_not_allowed', {
      en: 'A webhook URL must be https.',
      zh: 'Webhook URL 必须使用 https。',
    })
  }
  const port = portOf(url)
  const portReason = forbiddenPortReason(port, policy)
  if (portReason) {
    throw problem('webhook_url_not_allowed', {
      en: `Webhooks are not sent there: ${portReason}.`,
      zh: `Webhook 不推送到该地址：不允许使用端口 ${port}（允许的端口：${allowedPorts(policy)}）。`,
    })
  }
}

/** Raised while connecting; recorded as the attempt's error. */
export class ForbiddenTargetError extends Error {
  constructor(host: string, reason: string) {
    super(`refused to connect to ${host}: ${reason} (SSRF protection)`)
    this.name = 'ForbiddenTargetError'
  }
}

/** A DNS lookup that fails when any address of the name is forbidden. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0)
    for (const { address } of addresses) {
      const reason = forbiddenAddressReason(address)
      if (reason) return callback(new ForbiddenTargetError(hostname, reason), '', 0)
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
    const [first] = addresses
    if (!first) return callback(new Error(`${hostname} has no address`), '', 0)
    return callback(null, first.address, first.family)
  })
}

/**
 * The HTTP client of the dispatcher. Unless private targets are allowed, every connection
 * is checked when it is made: the port and a literal IP host before connecting, a name
 * through the guarded lookup, so a name that resolves to 127.0.0.1 or 169.254.169.254 is
 * refused. An endpoint stored before a rule tightened is held to the rule of today.
 */
export function webhookAgent(
  options: TargetPolicy & {
    timeoutMs: number
    connections: number
  },
): Agent {
  const timeout = options.timeoutMs
  if (options.allowPrivate) {
    return new Agent({ connect: { timeout }, connections: options.connections })
  }
  const connector = buildConnector({ timeout, lookup: guardedLookup } as buildConnector.BuildOptions)
  return new Agent({
    connections: options.connections,
    connect: (connectOptions, callback) => {
      const host = connectOptions.hostname.replace(/^\[(.*)\]$/, '$1')
      const reason =
        forbiddenPortReason(portOf(connectOptions), options) ??
        (isIP(host) ? forbiddenAddressReason(host) : null)
      if (reason) return callback(new ForbiddenTargetError(host, reason), null)
      return connector(connectOptions, callback)
    },
  })
}
