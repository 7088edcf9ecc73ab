// The evidence-upload benchmark's parts (lib/service.mjs): the real gateway with one dispute,
// and a client that uploads and downloads a 10 MiB file while sampling the gateway's memory.
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { residentMiB } from './cpu.mjs'
import { seedDisputes } from './dispute-fixture.mjs'
import { importFromSdk } from './workspace.mjs'

/** The gateway on a fresh database (SQLite, or PostgreSQL with `postgres`), one enterprise, one dispute. */
export async function startEvidenceGateway({ postgres = false }) {
  const { startGateway } = await import('./gateway.mjs')
  const gateway = await startGateway({
    postgres,
    seed: (app, database) => seedDisputes(app, database, { count: 1 }),
  })
  return {
    ...gateway,
    info: { port: gateway.port, token: gateway.info.token, disputeId: gateway.info.disputeIds[0] },
  }
}

/**
 * Uploads a file of `bytes` (a PDF by its first bytes, random after) as the SDK does, fields
 * first and the content streamed from disk, then downloads it to the end and checks its hash,
 * sampling the gateway's resident memory every `sampleMs` throughout.
 */
export async function startUploader({ bytes }) {
  const { Agent, request } = await importFromSdk('undici')
  const dispatcher = new Agent({ connections: 1, bodyTimeout: 120_000, headersTimeout: 120_000 })
  const directory = await mkdtemp(join(tmpdir(), 'hejie-bench-evidence-'))
  const path = join(directory, 'contract.pdf')
  const content = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(bytes - 9)])
  writeFileSync(path, content)
  const sha256 = createHash('sha256').update(content).digest('hex')
  return {
    info: { sha256 },
    /** One upload and one download: their seconds, and the gateway's memory throughout. */
    async cycle({ port, token, disputeId, gatewayPid, sampleMs = 20 }) {
      const samples = [{ at: 0, mib: residentMiB(gatewayPid) }]
      const begin = performance.now()
      const sampler = setInterval(() => {
        samples.push({ at: (performance.now() - begin) / 1000, mib: residentMiB(gatewayPid) })
      }, sampleMs)
      try {
        const boundary = `bench${randomBytes(8).toString('hex')}`
        async function* form() {
          for (const [name, value] of [
            ['purpose', 'other'],
            ['dispute_id', disputeId],
          ]) {
            yield Buffer.from(
              `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
            )
          }
          yield Buffer.from(
            `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="contract.pdf"\r\ncontent-type: application/pdf\r\n\r\n`,
          )
          yield* createReadStream(path, { highWaterMark: 64 * 1024 })
          yield Buffer.from(`\r\n--${boundary}--\r\n`)
        }
        const uploaded = await request(`http://127.0.0.1:${port}/v1/files`, {
          method: 'POST',
          dispatcher,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
          },
          body: form(),
        })
        const file = await uploaded.body.json()
        if (uploaded.statusCode !== 201)
          throw new Error(`upload answered ${uploaded.statusCode}: ${JSON.stringify(file)}`)
        if (file.sha256 !== sha256)
          throw new Error(`the gateway hashed the upload to ${file.sha256}, not ${sha256}`)
        const uploadSeconds = (performance.now() - begin) / 1000

        const downloaded = await request(`http://127.0.0.1:${port}/v1/files/${file.id}/content`, {
          dispatcher,
          headers: { authorization: `Bearer ${token}` },
        })
        if (downloaded.statusCode !== 200) throw new Error(`download answered ${downloaded.statusCode}`)
        const hash = createHash('sha256')
        for await (const chunk of downloaded.body) hash.update(chunk)
        if (hash.digest('hex') !== sha256) throw new Error('the download does not hash to the upload')
        const seconds = (performance.now() - begin) / 1000
        return {
          uploadSeconds,
          downloadSeconds: seconds - uploadSeconds,
          samples: samples.filter((s) => s.mib !== undefined),
        }
      } finally {
        clearInterval(sampler)
      }
    },
    async close() {
      await dispatcher.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
