import { randomBytes } from 'node:crypto'
import { createServer as createHttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { type HejieEvent, webhooks } from '@hejie/sdk'
import t, { type Test } from 'tap'
import { createReceiver } from '../../../examples/webhook-receiver/src/receiver.js'
import { backend } from '../../gateway/test/helpers/database.js'
import { startReceiver } from '../../gateway/test/helpers/receiver.js'
import { until } from '../../gateway/test/helpers/wait.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  sdkClient,
} from '../../sdk/test/helpers/gateway.js'
import { runCli } from './helpers/cli.js'

// A gateway on loopback that may also deliver real webhooks to loopback, for comparison.
const { baseUrl, regulator } = await gatewayWithRegulator(t, {
  config: { webhookAllowPrivateTargets: true, webhookRetryScheduleMs: [0] },
})
const company = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
const enterprise = sdkClient(t, baseUrl, company.credentials)
const credentials = {
  HEJIE_BASE_URL: baseUrl,
  HEJIE_CLIENT_ID: company.credentials.clientId,
  HEJIE_CLIENT_SECRET: company.credentials.clientSecret,
}
// An event from before any `listen` starts: never forwarded unless asked for with --after.
await regulator.disputes.create(complaint(company.enterprise.id))

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`

/** The id of the newest event in the enterprise's feed: `--after` it replays what comes next. */
async function feedEnd(): Promise<string> {
  let page = await enterprise.events.list({ limit: 1000 })
  for (let next = await page.nextPage(); next; next = await next.nextPage()) page = next
  return page.next_cursor ?? ''
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The example receiver, in this process, with what it recorded and logged. */
async function exampleReceiver(t: Test, secret: string, port = 0) {
  const recorded: HejieEvent[] = []
  const logged: string[] = []
  const rejected: string[] = []
  const server = createReceiver({
    secret,
    record: (event) => {
      recorded.push(event)
    },
    log: { log: (line: string) => logged.push(line), error: (line: string) => rejected.push(line) },
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`
  return { url, recorded, logged, rejected }
}

t.test(
  `hejie webhooks listen --forward-to delivers an event that the example receiver accepts as genuine (${backend})`,
  async (t) => {
    // As a developer does it: listen first, which makes a secret and prints it; then the
    // receiver, given that secret.
    const port = await freePort()
    const cli = runCli(
      t,
      ['webhooks', 'listen', '--forward-to', `http://127.0.0.1:${port}/webhooks`, '--interval', '0.2'],
      credentials,
    )
    t.match(
      await cli.line(/^Forwarding/),
      `Forwarding the events of 北京爱看视频科技有限公司 (${company.enterprise.id}) to http://127.0.0.1:${port}/webhooks`,
    )
    const secret = /whsec_\S+/.exec(await cli.line(/^Signing secret \(new for this run\): /))?.[0] ?? ''
    t.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/, 'a new secret, printed')
    const receiver = await exampleReceiver(t, secret, port)
    await cli.line(/^Ready: waiting for new events; Ctrl-C to stop\.$/)

    const dispute = await regulator.disputes.create(complaint(company.enterprise.id))
    await until(() => receiver.recorded.length === 1, 'the receiver to record the dispute')
    const [event] = receiver.recorded
    t.match(event, {
      object: 'event',
      type: 'dispute.assigned',
      enterprise_id: company.enterprise.id,
      data: { object: { id: dispute.id, status: 'assigned' } },
    })
    t.same(receiver.logged, [`${event?.id} dispute.assigned: verified and recorded`])
    t.same(receiver.rejected, [], 'the receiver took it as genuine')
    t.match(
      await cli.line(/→ 204/),
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  dispute\\.assigned +${event?.id}  → 204 \\(\\d+ ms\\)$`,
      ),
    )

    await enterprise.disputes.accept(dispute.id)
    await until(() => receiver.recorded.length === 2, 'the receiver to record the accept')
    t.equal(receiver.recorded[1]?.type, 'dispute.updated')
    t.notOk(
      receiver.logged.some((line) => line.includes('already recorded')),
      'no event was forwarded twice, and the one from before listen started not at all',
    )

    cli.child.kill('SIGINT')
    t.same(await cli.exited, { code: 0, signal: null }, 'Ctrl-C stops it with exit code 0')
    t.same(cli.stdout.slice(-2), [
      'Stopped: 2 forwarded.',
      `To continue from here: hejie webhooks listen --forward-to http://127.0.0.1:${port}/webhooks --after ${receiver.recorded[1]?.id}`,
    ])
    t.same(cli.stderr, [])
  },
)

t.test(
  `a forwarded event has the body and headers of the gateway's own delivery of it (${backend})`,
  async (t) => {
    const real = await startReceiver(t)
    const endpoint = await enterprise.webhookEndpoints.create({
      url: real.url,
      event_types: ['dispute.assigned'],
    })
    const secret = endpoint.secret ?? ''
    const forwarded = await startReceiver(t)
    const after = await feedEnd()
    await regulator.disputes.create(complaint(company.enterprise.id))
    await real.waitFor((received) => received.length === 1)
    await enterprise.webhookEndpoints.del(endpoint.id)

    const cli = runCli(
      t,
      [
        'webhooks',
        'listen',
        '--forward-to',
        forwarded.url,
        '--after',
        after,
        '--events',
        'dispute.assigned,dispute.closed',
        '--secret',
        secret,
        '--once',
      ],
      credentials,
    )
    t.same(await cli.exited, { code: 0, signal: null }, cli.stderr.join('\n'))
    t.ok(cli.stdout.includes('Signing with the secret from --secret.'))
    t.notOk(cli.stdout.join('\n').includes(secret), 'a secret given is not printed')
    t.equal(cli.stdout.at(-1), 'Done: 1 forwarded.')

    const [delivered] = real.received
    const [copy] = forwarded.received
    if (!delivered || !copy) throw new Error('nothing received')
    t.equal(copy.body, delivered.body, 'the same bytes')
    for (const name of ['content-type', 'user-agent', 'webhook-id']) {
      t.equal(copy.headers[name], delivered.headers[name], name)
    }
    t.same(
      webhooks.verify(copy.body, copy.headers, secret),
      webhooks.verify(delivered.body, delivered.headers, secret),
    )
  },
)

t.test(
  `a receiver configured with a different secret rejects the forwarded event (${backend})`,
  async (t) => {
    const impostor = await exampleReceiver(t, newSecret())
    const after = await feedEnd()
    await regulator.disputes.create(complaint(company.enterprise.id))

    const cli = runCli(t, ['webhooks', 'listen', '--forward-to', impostor.url, '--after', after, '--once'], {
      ...credentials,
      HEJIE_WEBHOOK_SECRET: newSecret(),
    })
    t.same(await cli.exited, { code: 1, signal: null }, 'with --once, an event not accepted fails the run')
    t.same(impostor.recorded, [], 'nothing recorded')
    t.equal(impostor.rejected.length, 4, 'each of the four attempts rejected')
    t.match(impostor.rejected[0], /^rejected a delivery: No signature matches the body/)
    t.ok(cli.stdout.includes('Signing with the secret from HEJIE_WEBHOOK_SECRET.'))
    const attempts = cli.stdout.filter((line) => line.includes('→'))
    t.equal(attempts.length, 4)
    t.match(
      attempts[0],
      /dispute\.assigned +evt_\S+ {2}→ 400 No signature matches the body.* \(\d+ ms\); again in 0\.5 s$/,
    )
    t.match(attempts[3], /→ 400 .*; gave up after 4 attempts$/)
    t.equal(cli.stdout.at(-1), 'Done: 0 forwarded, 1 not accepted.')
  },
)

t.test(
  `after an event not accepted, "to continue from here" starts with that event (${backend})`,
  async (t) => {
    // A receiver that refuses the second dispute's event and accepts the others.
    const secret = newSecret()
    const refusedDisputes = new Set<string>()
    const accepted: string[] = []
    const server = createHttpServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => {
        body += chunk
      })
      request.on('end', () => {
        const event = JSON.parse(body) as HejieEvent
        const dispute = (event.data.object as { id: string }).id
        if (refusedDisputes.has(dispute)) {
          response.writeHead(503).end('busy')
        } else {
          accepted.push(event.id)
          response.writeHead(204).end()
        }
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    t.teardown(() => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(resolve))
    })
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`
    const after = await feedEnd()
    await regulator.disputes.create(complaint(company.enterprise.id))
    const refused = await regulator.disputes.create(complaint(company.enterprise.id))
    refusedDisputes.add(refused.id)
    await regulator.disputes.create(complaint(company.enterprise.id))

    const cli = runCli(
      t,
      [
        'webhooks',
        'listen',
        '--forward-to',
        url,
        '--after',
        after,
        '--events',
        'dispute.assigned',
        '--interval',
        '0.2',
      ],
      { ...credentials, HEJIE_WEBHOOK_SECRET: secret },
    )
    await until(() => accepted.length === 2, 'the receiver to accept the first and the third event')
    const refusedEvent = /(evt_\S+) {2}→ 503 busy .*; gave up after 4 attempts$/.exec(
      await cli.line(/gave up after 4 attempts$/),
    )?.[1]
    t.ok(refusedEvent, 'the refused event is reported')
    cli.child.kill('SIGINT')
    t.same(await cli.exited, { code: 0, signal: null })
    t.same(cli.stdout.slice(-2), [
      'Stopped: 2 forwarded, 1 not accepted.',
      `To continue from here, from ${refusedEvent}, the first event not accepted: hejie webhooks listen --forward-to ${url} --after ${accepted[0]}`,
    ])

    // Continuing as told forwards the refused event again, now that the receiver takes it.
    refusedDisputes.clear()
    const again = runCli(
      t,
      [
        'webhooks',
        'listen',
        '--forward-to',
        url,
        '--after',
        accepted[0] ?? '',
        '--events',
        'dispute.assigned',
        '--once',
      ],
      {
        ...credentials,
        HEJIE_WEBHOOK_SECRET: secret,
      },
    )
    t.same(await again.exited, { code: 0, signal: null }, again.stderr.join('\n'))
    t.equal(accepted[2], refusedEvent, 'the event not accepted comes first')
    t.equal(accepted.length, 4, 'then the one after it, again')
  },
)

t.test(
  'listen refuses another host, a damaged secret and unknown event types, and explains itself',
  async (t) => {
    const remote = runCli(
      t,
      ['webhooks', 'listen', '--forward-to', 'https://crm.example.com/hooks'],
      credentials,
    )
    t.equal((await remote.exited).code, 1)
    t.match(
      remote.stderr.join('\n'),
      /^hejie: --forward-to crm\.example\.com is not this machine\. .*--allow-remote/,
    )

    const secret = runCli(
      t,
      ['webhooks', 'listen', '--forward-to', 'http://localhost:4242/webhooks', '--secret', 'whsec_dGVzdA=='],
      credentials,
    )
    t.equal((await secret.exited).code, 1)
    t.match(
      secret.stderr.join('\n'),
      /argument 'whsec_dGVzdA==' is invalid\. expected whsec_ followed by 24 to 64 bytes/,
    )

    const types = runCli(
      t,
      [
        'webhooks',
        'listen',
        '--forward-to',
        'http://[::1]:4242/',
        '--events',
        'dispute.assigned,dispute.created',
      ],
      credentials,
    )
    t.equal((await types.exited).code, 1)
    t.match(types.stderr.join('\n'), /unknown event type dispute\.created; the types are dispute\.assigned, /)

    const onceAlone = runCli(
      t,
      ['webhooks', 'listen', '--forward-to', 'http://127.0.0.1:4242/', '--once'],
      credentials,
    )
    t.equal((await onceAlone.exited).code, 1)
    t.same(onceAlone.stderr, [
      'hejie: --once forwards the events after --after, then stops: pass --after too.',
    ])

    const missing = runCli(t, ['webhooks', 'listen'], credentials)
    t.equal((await missing.exited).code, 1)
    t.match(missing.stderr.join('\n'), /required option '--forward-to <url>' not specified/)

    const help = runCli(t, ['webhooks', 'listen', '--help'])
    t.equal((await help.exited).code, 0)
    const text = help.stdout.join('\n')
    t.match(text, /Examples:\n {2}hejie webhooks listen --forward-to http:\/\/127\.0\.0\.1:4242\/webhooks\n/)
    t.match(text, /--secret <whsec>\s+sign with this whsec_… secret .*\(env: HEJIE_WEBHOOK_SECRET\)/s)
    t.match(text, /dispute\.deadline_approaching {2}respond_by is near/)
  },
)
