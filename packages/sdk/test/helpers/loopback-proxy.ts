import { createServer, request as forward, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface ProxiedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  /** The status the client was answered with; unset while there is no answer, or none came. */
  status?: number
}

/**
 * What the proxy does to one request instead of passing the answer on:
 * - `drop-answer`: forwards it, waits for the gateway's whole answer, then closes the
 *   client's connection without passing the answer on (the write is committed, the client
 *   never learns it);
 * - `no-answer`: never forwards it and never answers;
 * - a problem: answers it itself with that status and code, without forwarding.
 */
export type Fault =
  | 'drop-answer'
  | 'no-answer'
  | { status: number; code: string; headers?: Record<string, string> }

/**
 * An HTTP proxy on a loopback port in front of a gateway: it records every request and
 * injects network faults into chosen ones. `upstream` may be changed between requests.
 */
export async function loopbackProxy(t: Teardown, upstream: string) {
  const requests: ProxiedRequest[] = []
  const faults: { matches: (request: ProxiedRequest) => boolean; fault: Fault }[] = []
  const state = { upstream }

  const server = createServer((clientRequest, clientResponse) => {
    const seen: ProxiedRequest = {
      method: clientRequest.method ?? 'GET',
      path: clientRequest.url ?? '/',
      headers: clientRequest.headers,
    }
    requests.push(seen)
    const index = faults.findIndex(({ matches }) => matches(seen))
    const fault = index >= 0 ? faults.splice(index, 1)[0]?.fault : undefined
    if (fault === 'no-answer') return
    if (typeof fault === 'object') {
      seen.status = fault.status
      clientResponse.writeHead(fault.status, { 'content-type': 'application/problem+json', ...fault.headers })
      clientResponse.end(
        JSON.stringify({
          type: `urn:hejie:problem:${fault.code}`,
          title: 'Injected by the test proxy',
          status: fault.status,
          detail: 'Injected by the test proxy.',
          code: fault.code,
          request_id: 'proxy',
        }),
      )
      return
    }
    const target = new URL(state.upstream)
    const upstreamRequest = forward(
      {
        host: target.hostname,
        port: target.port,
        method: seen.method,
        path: seen.path,
        headers: seen.headers,
        agent: false,
      },
      (upstreamResponse) => {
        const chunks: Buffer[] = []
        upstreamResponse.on('data', (chunk: Buffer) => chunks.push(chunk))
        upstreamResponse.on('end', () => {
          if (fault === 'drop-answer') return clientRequest.socket.destroy()
          seen.status = upstreamResponse.statusCode
          clientResponse.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers)
          clientResponse.end(Buffer.concat(chunks))
        })
      },
    )
    upstreamRequest.on('error', () => clientRequest.socket.destroy())
    clientRequest.pipe(upstreamRequest)
  })
  server.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  t.teardown(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  )

  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Every request that reached the proxy, in order. */
    requests,
    /** Sends the requests that follow to another gateway. */
    forwardTo(upstream: string) {
      state.upstream = upstream
    },
    /** Applies `fault` to the next request that `matches`. */
    injectOnce(matches: (request: ProxiedRequest) => boolean, fault: Fault) {
      faults.push({ matches, fault })
    },
  }
}
