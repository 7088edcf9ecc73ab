import { randomUUID } from 'node:crypto'
import autocannon from 'autocannon'
import { BenchmarkFailure } from '../lib/harness.mjs'
import { startCommand } from '../lib/service.mjs'
import { integer, latencySummary, median, round3 } from '../lib/stats.mjs'
import { epochMs } from '../lib/webhooks.mjs'
import { gatewayCliPath, importFromSdk } from '../lib/workspace.mjs'

const parts = new URL('../lib/webhooks.mjs', import.meta.url).href

const contact = JSON.stringify({
  channel: 'phone',
  // Reported times lie between the dispute's assignment and at most 5 minutes ahead of the
  // gateway's clock: 4 minutes after this module loads suits every request of the run.
  contacted_at: new Date(Date.now() + 240_000).toISOString(),
  reached: true,
  summary: 'Consumer reached; call back tomorrow with the refund amount.',
})

/** Headers of one contact write: each its own Idempotency-Key, as a real client sends. */
const writeHeaders = (token) => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
  'idempotency-key': randomUUID(),
})

/**
 * Writes `count` contacts through the API (one `dispute.updated` event each, so one delivery
 * each to the subscribed endpoint), `connections` at a time. Any non-2xx fails the run.
 */
async function writeBacklog(gateway, count, connections) {
  const { token, disputeIds } = gateway.info
  let next = 0
  const result = await autocannon({
    url: `http://127.0.0.1:${gateway.info.port}`,
    connections,
    amount: count,
    pipelining: 1,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({
          ...request,
          path: `/v1/disputes/${disputeIds[next++ % disputeIds.length]}/contacts`,
          headers: writeHeaders(token),
          body: contact,
        }),
      },
    ],
  })
  if (result.errors + result.non2xx + result.timeouts > 0 || result.requests.total < count) {
    throw new BenchmarkFailure(
      `writing the backlog: ${result.requests.total} of ${count} writes, ${result.errors} errors, ` +
        `${result.non2xx} non-2xx (${JSON.stringify(result.statusCodeStats)})`,
    )
  }
  return result.requests.total / result.duration
}

/** The rate a round's deliveries arrived at the receiver, first to last. */
function arrivalRate(summary, count) {
  return (count - 1) / ((summary.lastAt - summary.firstAt) / 1000)
}

function checkDelivered(summary, count, what) {
  const problems = []
  if (summary.received !== count) problems.push(`${summary.received} of ${count} deliveries arrived`)
  if (summary.invalid > 0)
    problems.push(`${summary.invalid} with an invalid signature (${summary.lastError})`)
  return problems.map((problem) => `${what}: ${problem}`)
}

/**
 * Throughput: a backlog of `events` deliveries drained by a `hejie-gateway worker` process.
 * Each round writes the backlog through the API of a gateway that does not dispatch, then
 * starts the worker on the same database and times the deliveries' arrival at the receiver.
 */
async function drainRound(context, { writer, receiver, events, concurrency, connections }) {
  await receiver.call('reset')
  const writesPerSecond = await writeBacklog(writer, events, connections)
  const worker = startCommand('worker', process.execPath, [gatewayCliPath, 'worker'], {
    env: {
      PATH: process.env.PATH,
      HEJIE_SQLITE_PATH: writer.info.sqlitePath,
      HEJIE_MASTER_KEY: writer.info.masterKey,
      HEJIE_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      HEJIE_WEBHOOK_CONCURRENCY: String(concurrency),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    },
  })
  context.watch('worker', worker.pid)
  const exitedEarly = worker.exited.then(({ code, signal }) => {
    throw new BenchmarkFailure(`the webhook worker exited during the drain (${signal ?? `code ${code}`})`)
  })
  let outcome
  let stopped
  try {
    await Promise.race([receiver.call('waitFor', 1, 120_000), exitedEarly])
    const { value: summary, cpu } = await context.measure('drain', () =>
      Promise.race([receiver.call('waitFor', events, 600_000), exitedEarly]),
    )
    const perSecond = arrivalRate(summary, events)
    outcome = {
      deliveriesPerSecond: Math.round(perSecond),
      seconds: round3((summary.lastAt - summary.firstAt) / 1000),
      dispatcherCores: cpu.cores.worker,
      perCpuSecond: Math.round(perSecond / cpu.cores.worker),
      duplicates: summary.duplicates,
      backlogWritesPerSecond: Math.round(writesPerSecond),
      cpu,
      failures: checkDelivered(summary, events, 'drain'),
    }
  } finally {
    exitedEarly.catch(() => {})
    stopped = await worker.stop()
  }
  // SIGTERM lets the worker finish its in-flight sends and close the database: exit 0.
  if (stopped.code !== 0) {
    throw new BenchmarkFailure(`the webhook worker stopped with ${stopped.signal ?? `code ${stopped.code}`}`)
  }
  return outcome
}

async function bareRound(context, { sender, receiver, events }) {
  await receiver.call('reset')
  const { value, cpu } = await context.measure('bare send', async () => {
    const sent = await sender.call('send', events)
    return { sent, summary: await receiver.call('summary') }
  })
  const perSecond = arrivalRate(value.summary, events)
  return {
    deliveriesPerSecond: Math.round(perSecond),
    seconds: round3((value.summary.lastAt - value.summary.firstAt) / 1000),
    dispatcherCores: cpu.cores.sender,
    perCpuSecond: Math.round(perSecond / cpu.cores.sender),
    duplicates: value.summary.duplicates,
    cpu,
    failures: [
      ...checkDelivered(value.summary, events, 'bare sender'),
      ...(value.sent.failed > 0
        ? [`bare sender: ${value.sent.failed} failed: ${value.sent.failures.join('; ')}`]
        : []),
    ],
  }
}

/**
 * Latency: contacts written at a steady `rate` (open loop: a write is sent on schedule
 * whether or not the earlier ones were answered) to a gateway that dispatches in its own
 * process, as `hejie-gateway start` runs it. Every write makes one event and one delivery;
 * writes go round-robin over the disputes, one at a time per dispute, so the k-th delivery
 * about a dispute (by version) belongs to the k-th write to it.
 */
async function latencyPhase(context, { gateway, receiver, rate, seconds, warmupSeconds, connections }) {
  const { Agent, request } = await importFromSdk('undici')
  const agent = new Agent({ connections, keepAliveTimeout: 60_000 })
  const { token, disputeIds, port } = gateway.info
  await receiver.call('reset')
  const total = Math.round(rate * (warmupSeconds + seconds))
  const writes = []
  const failures = []
  const interval = 1000 / rate
  const begin = performance.now()
  let late = 0
  const pending = []
  const { cpu } = await context.measure('steady writes', async () => {
    for (let i = 0; i < total; i++) {
      const due = begin + i * interval
      const wait = due - performance.now()
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
      else if (wait < -interval) late += 1
      const disputeId = disputeIds[i % disputeIds.length]
      const write = { disputeId, sentAt: epochMs(), warmup: i < rate * warmupSeconds, ackAt: null }
      writes.push(write)
      pending.push(
        request(`http://127.0.0.1:${port}/v1/disputes/${disputeId}/contacts`, {
          method: 'POST',
          dispatcher: agent,
          headers: writeHeaders(token),
          body: contact,
        })
          .then(async (response) => {
            await response.body.text()
            write.ackAt = epochMs()
            if (response.statusCode !== 201) failures.push(`a write answered ${response.statusCode}`)
          })
          .catch((error) => failures.push(`a write failed: ${error.message}`)),
      )
    }
    await Promise.all(pending)
    return receiver.call('waitFor', total, 120_000)
  })
  await agent.close()
  const arrivals = await receiver.call('arrivals')

  // Pair each dispute's deliveries (by version) with its writes (in the order sent).
  const byDispute = new Map()
  for (const arrival of arrivals) {
    const list = byDispute.get(arrival.disputeId) ?? []
    list.push(arrival)
    byDispute.set(arrival.disputeId, list)
  }
  for (const list of byDispute.values()) list.sort((a, b) => a.version - b.version)
  const fromCommit = []
  const fromAck = []
  const ackLatency = []
  const cursor = new Map()
  for (const write of writes) {
    const k = cursor.get(write.disputeId) ?? 0
    cursor.set(write.disputeId, k + 1)
    const arrival = byDispute.get(write.disputeId)?.[k]
    if (!arrival || write.warmup) continue
    fromCommit.push(arrival.at - arrival.createdAt)
    fromAck.push(arrival.at - write.ackAt)
    ackLatency.push(write.ackAt - write.sentAt)
  }
  const measured = writes.filter((write) => !write.warmup)
  const span = (measured.at(-1).sentAt - measured[0].sentAt) / 1000
  return {
    writes: total,
    measuredWrites: measured.length,
    achievedRate: round3((measured.length - 1) / span),
    lateSends: late,
    fromCommit: latencySummary(fromCommit),
    fromAck: latencySummary(fromAck),
    writeAck: latencySummary(ackLatency),
    cpu,
    failures: [...new Set(failures)].slice(0, 5),
  }
}

export default {
  name: 'webhook-deliveries',
  description:
    'webhook deliveries/s draining a backlog (worker vs the same send code without the database), and event-to-delivery latency at a steady rate',
  defaults: { duration: 30, rounds: 3, warmup: 5, connections: 64 },
  options: {
    events: {
      default: 20_000,
      min: 100,
      max: 1_000_000,
      description: 'deliveries in the backlog of each round',
    },
    rate: { default: 200, min: 1, max: 5_000, description: 'events per second written in the latency phase' },
    concurrency: {
      default: 32,
      min: 1,
      max: 1_000,
      description: 'HEJIE_WEBHOOK_CONCURRENCY, requests the dispatcher keeps in flight (the default is 32)',
    },
  },
  async run(context) {
    const { options, log } = context
    const { events, rate, concurrency, connections, rounds, duration, warmup } = options
    const receiver = await context.service('receiver', parts, 'startReceiver')
    const receiverUrl = receiver.info.url

    log(`starting a gateway that writes without dispatching (the backlog's database)`)
    const writer = await context.service('gateway', parts, 'startSubscribedGateway', {
      receiverUrl,
      dispatch: false,
      webhook: { webhookConcurrency: concurrency },
    })
    await receiver.call('configure', writer.info.secret)
    let sender

    const measured = { target: [], baseline: [] }
    const failures = []
    for (let round = 1; round <= rounds; round++) {
      const target = await drainRound(context, { writer, receiver, events, concurrency, connections })
      measured.target.push(target)
      failures.push(...target.failures)
      log(
        `round ${round}/${rounds} worker  ${integer(target.deliveriesPerSecond)} deliveries/s over ${target.seconds} s` +
          `  worker cpu ${target.dispatcherCores.toFixed(2)}, others ${target.cpu.others?.toFixed(2)}` +
          `  (backlog written at ${integer(target.backlogWritesPerSecond)}/s)`,
      )
      if (!sender) {
        // The baseline sends the very body the gateway sent.
        sender = await context.service('sender', parts, 'startBareSender', {
          url: receiverUrl,
          secret: writer.info.secret,
          body: await receiver.call('sampleBody'),
          concurrency,
        })
        if (warmup > 0) {
          await receiver.call('reset')
          await sender.call('send', Math.min(events, 2_000))
        }
      }
      const baseline = await bareRound(context, { sender, receiver, events })
      measured.baseline.push(baseline)
      failures.push(...baseline.failures)
      log(
        `round ${round}/${rounds} bare    ${integer(baseline.deliveriesPerSecond)} deliveries/s over ${baseline.seconds} s` +
          `  sender cpu ${baseline.dispatcherCores.toFixed(2)}, others ${baseline.cpu.others?.toFixed(2)}`,
      )
    }
    await writer.stop()
    await sender.stop()

    log(
      `starting a gateway that dispatches in its own process; ${rate} events/s for ${warmup} + ${duration} s`,
    )
    const live = await context.service('live gateway', parts, 'startSubscribedGateway', {
      receiverUrl,
      disputes: Math.max(200, rate),
      webhook: { webhookConcurrency: concurrency },
    })
    await receiver.call('configure', live.info.secret)
    const latency = await latencyPhase(context, {
      gateway: live,
      receiver,
      rate,
      seconds: duration,
      warmupSeconds: warmup,
      connections,
    })
    failures.push(...latency.failures)
    log(
      `latency: p50 ${latency.fromCommit.p50} ms, p99 ${latency.fromCommit.p99} ms from created_at; ` +
        `${latency.achievedRate} writes/s achieved`,
    )

    const side = (rows) => ({
      deliveriesPerSecond: median(rows.map((r) => r.deliveriesPerSecond)),
      cores: median(rows.map((r) => r.dispatcherCores)),
      perCpuSecond: median(rows.map((r) => r.perCpuSecond)),
      rounds: rows.map((r) => integer(r.deliveriesPerSecond)).join(', '),
      duplicates: rows.reduce((sum, r) => sum + r.duplicates, 0),
    })
    const target = side(measured.target)
    const baseline = side(measured.baseline)
    const ratio = round3(target.deliveriesPerSecond / baseline.deliveriesPerSecond)
    const throughputColumns = [
      { key: 'side', label: 'side' },
      { key: 'label', label: 'sender' },
      { key: 'rate', label: 'deliveries/s (median)', numeric: true },
      { key: 'rounds', label: 'rounds', numeric: true },
      { key: 'cores', label: 'sender CPU, cores', numeric: true },
      { key: 'perCpu', label: 'deliveries per sender CPU-second', numeric: true },
      { key: 'duplicates', label: 'duplicates', numeric: true },
    ]
    const latencyColumns = [
      { key: 'from', label: 'measured from' },
      { key: 'to', label: 'to' },
      { key: 'p50', label: 'p50 ms', numeric: true },
      { key: 'p90', label: 'p90 ms', numeric: true },
      { key: 'p99', label: 'p99 ms', numeric: true },
      { key: 'max', label: 'max ms', numeric: true },
    ]
    const latencyRow = (from, to, s) => ({ from, to, p50: s.p50, p90: s.p90, p99: s.p99, max: s.max })
    return {
      settings: {
        eventsPerRound: events,
        rounds,
        webhookConcurrency: concurrency,
        webhookPollIntervalMs: 'default (1000)',
        backlogWriterConnections: connections,
        latencyRate: rate,
        latencySeconds: duration,
        latencyWarmupSeconds: warmup,
        latencyWriterConnections: connections,
      },
      summary:
        `throughput: ${rounds} round(s) per side, alternating; each worker round drains a backlog of ` +
        `${integer(events)} deliveries (one per event, written through the API beforehand) with a ` +
        `\`hejie-gateway worker\` process (HEJIE_WEBHOOK_CONCURRENCY=${concurrency}, poll 1,000 ms, ` +
        `woken by completions); the bare sender sends as many with the same code and concurrency. ` +
        `Latency: ${rate} contacts/s for ${warmup} s (not counted) + ${duration} s to a gateway ` +
        'dispatching in its own process; the receiver verifies every signature (standardwebhooks) and answers 204.',
      tables: [
        {
          title: 'Throughput, to a local receiver on loopback:',
          columns: throughputColumns,
          rows: [
            {
              side: 'target',
              label: '`hejie-gateway worker`: claim, sign, send, record the attempt',
              rate: target.deliveriesPerSecond,
              rounds: target.rounds,
              cores: target.cores,
              perCpu: target.perCpuSecond,
              duplicates: target.duplicates,
            },
            {
              side: 'baseline',
              label: 'the same `sendDelivery` and agent, no database',
              rate: baseline.deliveriesPerSecond,
              rounds: baseline.rounds,
              cores: baseline.cores,
              perCpu: baseline.perCpuSecond,
              duplicates: baseline.duplicates,
            },
          ],
        },
        {
          title:
            `Event-to-delivery latency at ${latency.achievedRate} events/s (${integer(latency.measuredWrites)} ` +
            `events measured, ${latency.lateSends} writes sent late by more than one interval):`,
          columns: latencyColumns,
          rows: [
            latencyRow(
              "the event's `created_at` (in its transaction)",
              'receiver has the request',
              latency.fromCommit,
            ),
            latencyRow("the write's answer at the writer", 'receiver has the request', latency.fromAck),
            latencyRow('the write sent', "the write's answer at the writer", latency.writeAck),
          ],
        },
      ],
      bars: [
        {
          bar: '≥ 2,000 deliveries/s to a local receiver',
          value: `${integer(target.deliveriesPerSecond)}/s (${ratio.toFixed(2)} of the bare sender)`,
          met: target.deliveriesPerSecond >= 2_000,
        },
        {
          bar: `event-to-delivery p99 < 100 ms at 200 events/s`,
          value: `${latency.fromCommit.p99} ms at ${latency.achievedRate}/s`,
          met: latency.fromCommit.p99 < 100 && latency.achievedRate >= 195,
        },
      ],
      notes: [
        '`created_at` is stamped inside the writing transaction, before its commit, so the first latency ' +
          'row includes the commit itself; a negative figure in the second row is a delivery that arrived ' +
          'before the writer had read its own answer.',
      ],
      data: { throughput: measured, latency },
      failures,
    }
  },
}
