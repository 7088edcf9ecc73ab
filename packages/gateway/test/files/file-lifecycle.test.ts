import { connect } from 'node:net'
import t from 'tap'
import { purgeUnboundFiles } from '../../src/services/files/purge.js'
import { databaseFileStore } from '../../src/storage/file-store.js'
import { testApp } from '../helpers/app.js'
import { backend, type TestDatabase } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { fakeFile, multipartUpload } from '../helpers/files.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

const hour = 3_600_000

/** Polls an asynchronous condition every 20 ms until it holds, for up to 10 s. */
async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited 10 s in vain for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

async function stored(database: TestDatabase) {
  const files = await database.db.selectFrom('files').select('id').orderBy('id').execute()
  const chunks = await database.db.selectFrom('file_chunks').select(['file_id', 'seq']).execute()
  return { files: files.map((row) => row.id), chunks: chunks.length }
}

t.test(`a client that goes away mid-upload leaves no file and no chunk (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const token = await accessToken(app, await regulatorCredentials(database))
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }

  const { payload, headers } = multipartUpload(
    { purpose: 'complaint_material' },
    { content: fakeFile('pdf', 5_000_000) },
  )
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(
    `POST /v1/files HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\n` +
      `content-type: ${headers['content-type']}\r\ncontent-length: ${payload.length}\r\n\r\n`,
  )
  // A little over 1 MiB of the file: several chunks are stored before the client vanishes.
  socket.write(payload.subarray(0, 1_200_000))
  await eventually(async () => (await stored(database)).chunks >= 2, 'chunks of the upload')
  socket.destroy()

  await eventually(async () => (await stored(database)).chunks === 0, 'the chunks to be deleted')
  t.same(await stored(database), { files: [], chunks: 0 }, 'the chunks written before it left are gone')
})

t.test(
  `an upload repeated with its Idempotency-Key replays the first and stores nothing twice (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const regulator = as(app, await accessToken(app, await regulatorCredentials(database)))
    const content = fakeFile('png', 600_000)
    const send = (file: Buffer) => {
      const { payload, headers } = multipartUpload({ purpose: 'complaint_material' }, { content: file })
      return regulator({
        method: 'POST',
        url: '/v1/files',
        payload,
        headers: { ...headers, 'idempotency-key': 'upload-1' },
      })
    }
    const first = await send(content)
    t.equal(first.statusCode, 201)
    const again = await send(content)
    t.equal(again.statusCode, 201)
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.equal(again.json().id, first.json().id)
    const other = await send(fakeFile('png', 1000))
    t.equal(other.statusCode, 422, 'the same key with another file is refused')
    t.match(other.json(), { code: 'idempotency_key_reused' })
    t.same(await stored(database), { files: [first.json().id], chunks: 3 }, 'one file, its three chunks')
  },
)

t.test(
  `files no intake bound within 24 hours, and chunks an upload left without a file, are purged (${backend})`,
  async (t) => {
    const { app, database } = await testApp(t)
    const regulatorToken = await accessToken(app, await regulatorCredentials(database))
    const regulator = as(app, regulatorToken)
    const shop = await enrolEnterprise(app, regulatorToken, '北京某视频科技有限责任公司')
    const dispute = await intakeDispute(app, regulatorToken, shop.id)
    const upload = async (fields: Record<string, string>) => {
      const { payload, headers } = multipartUpload(fields, { content: fakeFile('pdf', 300_000) })
      return (await regulator({ method: 'POST', url: '/v1/files', payload, headers })).json().id as string
    }
    const stale = await upload({ purpose: 'complaint_material' })
    const fresh = await upload({ purpose: 'complaint_material' })
    const bound = await upload({ purpose: 'other', dispute_id: dispute.id })
    const old = new Date(Date.now() - 25 * hour).toISOString()
    for (const id of [stale, bound]) {
      await database.db.updateTable('files').set({ created_at: old }).where('id', '=', id).execute()
      await database.db
        .updateTable('file_chunks')
        .set({ created_at: old })
        .where('file_id', '=', id)
        .execute()
    }
    // What a crash between the chunks and the row leaves: content nobody can name.
    await database.db
      .insertInto('file_chunks')
      .values([
        {
          file_id: 'fil_crashed',
          seq: 0,
          data: new Uint8Array([1, 2, 3]),
          created_at: new Date(Date.now() - 2 * hour).toISOString(),
        },
        {
          file_id: 'fil_uploading',
          seq: 0,
          data: new Uint8Array([1, 2, 3]),
          created_at: new Date().toISOString(),
        },
      ])
      .execute()

    t.equal(await purgeUnboundFiles(database, databaseFileStore(database)), 1)
    t.same((await stored(database)).files, [stale, fresh, bound].filter((id) => id !== stale).sort())
    const owners = await database.db.selectFrom('file_chunks').select('file_id').distinct().execute()
    t.same(
      owners.map((row) => row.file_id).sort(),
      [fresh, bound, 'fil_uploading'].sort(),
      'the stale file’s content and the crashed upload’s chunks are gone; an upload under way keeps its own',
    )
    t.equal((await regulator({ method: 'GET', url: `/v1/files/${stale}` })).statusCode, 404)
  },
)
