import { integer, median, round3 } from '../lib/stats.mjs'

const parts = new URL('../lib/evidence-parts.mjs', import.meta.url).href

const MIB = 2 ** 20
/** A file at the limit: the largest the gateway accepts. */
const FILE_BYTES = 10 * MIB
/**
 * The bar: no growth over the run. The median of the uploads' peaks in the second half of the
 * run is at most this much above the median in the first half. Medians, because V8 grows and
 * shrinks its heap lazily: now and then one upload's peak is tens of MiB above the others and
 * the next is back down; holding files, or leaking them, would move every upload's peak.
 */
const GROWTH_BAR_MIB = 10

/**
 * Evidence files at the size limit, on SQLite and on PostgreSQL: a client in a process of its
 * own uploads a 10 MiB file (fields first, the content streamed from disk) and downloads it
 * back, `uploads` times, to the gateway in a process of its own, sampling the gateway's
 * resident memory throughout. Upload and download stream through 256 KiB chunk rows, so the
 * gateway's memory must not grow with the file or with the number of files.
 */
export default {
  name: 'evidence-upload',
  description:
    'upload and download of a 10 MiB evidence file, repeated, on SQLite and PostgreSQL, with the gateway’s resident memory sampled (bar: the median peak grows < 10 MiB from the first half of the uploads to the second)',
  defaults: { rounds: 1, warmup: 1 },
  options: {
    uploads: {
      default: 60,
      min: 2,
      max: 1_000,
      description: 'uploads (each followed by its download) per database',
    },
  },
  async run(context) {
    const { options, log } = context
    const { uploads, warmup } = options
    const failures = []
    const rows = []
    const bars = []
    const results = {}
    for (const backend of ['sqlite', 'postgres']) {
      const gateway = await context.service(`gateway ${backend}`, parts, 'startEvidenceGateway', {
        postgres: backend === 'postgres',
      })
      const uploader = await context.service(`uploader ${backend}`, parts, 'startUploader', {
        bytes: FILE_BYTES,
      })
      const runs = []
      results[backend] = runs
      try {
        const target = { ...gateway.info, gatewayPid: gateway.pid }
        for (let i = 0; i < warmup; i++) await uploader.call('cycle', target)
        for (let i = 1; i <= uploads; i++) {
          const { value } = await context.measure(`${backend} upload ${i}`, () =>
            uploader.call('cycle', target),
          )
          const mib = value.samples.map((s) => s.mib)
          runs.push({
            uploadSeconds: value.uploadSeconds,
            downloadSeconds: value.downloadSeconds,
            rssBefore: mib[0],
            rssPeak: Math.max(...mib),
          })
          log(
            `${backend} ${i}/${uploads}: upload ${value.uploadSeconds.toFixed(3)} s, download ${value.downloadSeconds.toFixed(3)} s, ` +
              `RSS ${mib[0].toFixed(0)} → peak ${Math.max(...mib).toFixed(0)} MiB`,
          )
        }
        const upload = runs.map((r) => r.uploadSeconds)
        const download = runs.map((r) => r.downloadSeconds)
        const half = Math.floor(runs.length / 2)
        const firstHalf = median(runs.slice(0, half).map((r) => r.rssPeak))
        const secondHalf = median(runs.slice(half).map((r) => r.rssPeak))
        const peak = Math.max(...runs.map((r) => r.rssPeak))
        rows.push({
          backend,
          uploads,
          upload: round3(median(upload)),
          uploadMiBs: round3(FILE_BYTES / MIB / median(upload)),
          download: round3(median(download)),
          before: Math.round(runs[0].rssBefore),
          firstHalf: Math.round(firstHalf),
          secondHalf: Math.round(secondHalf),
          peakOverIdle: Math.round(peak - runs[0].rssBefore),
        })
        bars.push({
          bar: `${backend}: gateway memory flat over ${uploads} uploads of 10 MiB (median peak of the second half − of the first half < ${GROWTH_BAR_MIB} MiB)`,
          value: `${round3(secondHalf - firstHalf)} MiB (peak ${integer(peak)} MiB)`,
          met: secondHalf - firstHalf < GROWTH_BAR_MIB,
        })
      } catch (error) {
        failures.push(`${backend}: ${error.message}`)
      } finally {
        await uploader.stop()
        await gateway.stop()
      }
    }
    return {
      settings: { uploads, warmup, fileBytes: FILE_BYTES },
      summary: `A 10 MiB file (pdf by its first bytes) uploaded to a dispute and downloaded back ${uploads} times per database after ${warmup} warm-up, one at a time, the gateway's RSS sampled every 20 ms.`,
      tables: [
        {
          title: 'Upload and download of a 10 MiB evidence file',
          columns: [
            { key: 'backend', label: 'database' },
            { key: 'uploads', label: 'uploads', numeric: true },
            { key: 'upload', label: 'upload median s', numeric: true },
            { key: 'uploadMiBs', label: 'upload MiB/s', numeric: true },
            { key: 'download', label: 'download median s', numeric: true },
            { key: 'before', label: 'RSS before MiB', numeric: true },
            { key: 'firstHalf', label: 'median RSS peak, first half MiB', numeric: true },
            { key: 'secondHalf', label: 'median RSS peak, second half MiB', numeric: true },
            { key: 'peakOverIdle', label: 'highest peak over idle MiB', numeric: true },
          ],
          rows,
        },
      ],
      bars,
      notes: [],
      data: { results },
      failures,
    }
  },
}
