import type { HejieEvent } from '@hejie/sdk'
import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  sdkClient,
} from '../../sdk/test/helpers/gateway.js'
import { runCli } from './helpers/cli.js'

const { baseUrl, regulator } = await gatewayWithRegulator(t)
const company = await enrolEnterprise(regulator, '上海浦江家电有限公司')
const enterprise = sdkClient(t, baseUrl, company.credentials)
const credentials = {
  HEJIE_BASE_URL: baseUrl,
  HEJIE_CLIENT_ID: company.credentials.clientId,
  HEJIE_CLIENT_SECRET: company.credentials.clientSecret,
}
const first = await regulator.disputes.create(complaint(company.enterprise.id))
const second = await regulator.disputes.create(complaint(company.enterprise.id))
await enterprise.disputes.accept(first.id)
// Another enterprise's events are not in this one's feed.
await regulator.disputes.create(
  complaint((await enrolEnterprise(regulator, '深圳南山数码有限公司')).enterprise.id),
)

const feed: HejieEvent[] = []
for await (const event of enterprise.events.list()) feed.push(event)

t.test(`events tail --once --json prints the feed as NDJSON and stops (${backend})`, async (t) => {
  const all = runCli(t, ['events', 'tail', '--once', '--json'], credentials)
  t.same(await all.exited, { code: 0, signal: null })
  t.same(
    all.stdout.map((line) => JSON.parse(line)),
    feed,
    'one line per event, each the event as the API returns it, in commit order',
  )
  t.same(
    feed.map((event) => event.type),
    ['dispute.assigned', 'dispute.assigned', 'dispute.updated'],
  )
  t.same(all.stderr, [], 'nothing but events on standard output, nothing on standard error')

  const rest = runCli(
    t,
    ['events', 'tail', '--once', '--json', '--after', feed[0]?.id ?? '', '--type', 'dispute.assigned'],
    credentials,
  )
  t.same(await rest.exited, { code: 0, signal: null })
  t.same(
    rest.stdout.map((line) => JSON.parse(line).id),
    [feed[1]?.id],
    '--after resumes after an event, --type keeps one type',
  )

  const none = runCli(t, ['events', 'tail', '--once', '--after', feed[2]?.id ?? ''], credentials)
  t.same(await none.exited, { code: 0, signal: null })
  t.same(none.stdout, [])
  t.same(none.stderr, ['No events.'])
})

t.test(
  `events tail follows new events one line each until SIGTERM, then says where to continue (${backend})`,
  async (t) => {
    const tail = runCli(t, ['events', 'tail', '--from-now', '--interval', '0.2'], credentials)
    await tail.line(/^Following the event feed; Ctrl-C to stop\.$/, { stream: 'stderr' })
    const contact = {
      channel: 'phone' as const,
      contacted_at: new Date().toISOString(),
      reached: true,
      summary: 'Consumer asks for a refund.',
    }
    await enterprise.disputes.accept(second.id)
    await enterprise.disputes.recordContact(second.id, contact)
    const line = await tail.line(/dispute\.updated/)
    t.match(
      line,
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  dispute\\.updated +evt_\\w+  ${second.id} in_progress$`,
      ),
    )
    await new Promise((resolve) => setTimeout(resolve, 500))
    t.equal(tail.stdout.length, 2, 'the two new events, and none from before --from-now')

    tail.child.kill('SIGTERM')
    t.same(await tail.exited, { code: 0, signal: null }, 'SIGTERM stops it with exit code 0')
    const last = /evt_\w+/.exec(tail.stdout[1] ?? '')?.[0]
    t.equal(tail.stderr.at(-1), `Stopped. To continue from here: --after ${last}`)
  },
)

t.test('events tail explains bad input with exit code 1, and missing credentials with 2', async (t) => {
  const unknownType = runCli(t, ['events', 'tail', '--type', 'dispute.created'], credentials)
  t.equal((await unknownType.exited).code, 1)
  t.match(
    unknownType.stderr.join('\n'),
    /unknown event type dispute\.created; the types are dispute\.assigned/,
  )

  const unknownEvent = runCli(t, ['events', 'tail', '--once', '--after', 'evt_nonexistent'], credentials)
  t.equal((await unknownEvent.exited).code, 1)
  t.match(unknownEvent.stderr.join('\n'), /^hejie: 400 invalid_cursor: No event evt_nonexistent/)

  const both = runCli(t, ['events', 'tail', '--from-now', '--after', feed[0]?.id ?? ''], credentials)
  t.equal((await both.exited).code, 1)
  t.match(both.stderr.join('\n'), 'Pass --after or --from-now, not both.')

  const loggedOut = runCli(t, ['events', 'tail', '--once'])
  t.equal((await loggedOut.exited).code, 2)
  t.same(loggedOut.stderr, ['hejie: Not logged in: run `hejie login` first.'])

  const help = runCli(t, ['events', 'tail', '--help'])
  t.equal((await help.exited).code, 0)
  t.match(help.stdout.join('\n'), /Examples:\n {2}hejie events tail\n/)
  t.match(help.stdout.join('\n'), /--once\s+print the events the feed holds now, then stop/)
})
