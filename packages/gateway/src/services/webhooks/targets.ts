import { type LookupAddress, lookup } from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'
import { Agent, buildConnector } from 'undici'
import { problem } from '../../errors.js'

/**
 * SSRF protection for webhook delivery. A webhook URL is chosen by an API client, so without
 * these checks the gateway would fetch its own admin ports, the private network, or the cloud
 * metadata service on their behalf. Only globally routable unicast addresses are allowed:
 * ipaddr.js classifies loopback, private (RFC 1918), link-local (169.254/16 with the metadata
 * address), unique-local (fc00::/7), CGNAT (100.64/10), 0.0.0.0/8 and the rest as other ranges.
 */
export function forbiddenAddressReason(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6
  try {
    parsed = ipaddr.parse(address)
  } catch {
    return `${address} is not an IP address`
  }
  // ::ffff:10.0.0.1 reaches 10.0.0.1: judge the IPv4 address it carries.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address()
  }
  const range = parsed.range()
  if (range === 'unicast') return null
  const words = rangeWords[range] ?? `a ${range}`
  return `${address} is ${words} address`
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

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

/**
 * Checks a URL when an endpoint is created or changed: the scheme, and a host written as an
 * IP address. Host names are checked again after DNS at every connection, since what a name
 * resolves to can change after this check.
 */
export function assertAllowedWebhookUrl(raw: string, allowPrivate: boolean): void {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw problem('validation_failed', 'The webhook url is not a URL.', {
      errors: [{ path: 'body/url', message: 'not a URL' }],
    })
  }
  if (url.username || url.password) {
    throw problem('webhook_url_not_allowed', 'A webhook URL must not carry credentials.')
  }
  if (allowPrivate) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw problem('webhook_url_not_allowed', 'A webhook URL must be http or https.')
    }
    return
  }
  const host = hostOf(url)
  if (isIP(host)) {
    const reason = forbiddenAddressReason(host)
    if (reason)
      throw problem('webhook_url_not_allowed', `Webhooks are sent only to public addresses, and ${reason}.`)
  }
  if (url.protocol !== 'https:') {
    throw problem('webhook_url_not_allowed', 'A webhook URL must be https.')
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
 * is checked when it is made: a literal IP host before connecting, a name through the
 * guarded lookup, so a name that resolves to 127.0.0.1 or 169.254.169.254 is refused.
 */
export function webhookAgent(options: {
  allowPrivate: boolean
  timeoutMs: number
  connections: number
}): Agent {
  const timeout = options.timeoutMs
  if (options.allowPrivate) {
    return new Agent({ connect: { timeout }, connections: options.connections })
  }
  const connector = buildConnector({ timeout, lookup: guardedLookup } as buildConnector.BuildOptions)
  return new Agent({
    connections: options.connections,
    connect: (connectOptions, callback) => {
      const host = connectOptions.hostname.replace(/^\[(.*)\]$/, '$1')
      const reason = isIP(host) ? forbiddenAddressReason(host) : null
      if (reason) return callback(new ForbiddenTargetError(host, reason), null)
      return connector(connectOptions, callback)
    },
  })
}
