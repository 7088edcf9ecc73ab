/**
 * Two small charts as inline SVG, drawn here (no chart library, no external reference): a
 * line chart of rates in [0, 1] and a bar chart of counts, one point or bar per month.
 */

export interface Series {
  name: string
  color: string
  /** One value per label; null leaves a gap (a rate over nothing). */
  values: (number | null)[]
}

const WIDTH = 640
const HEIGHT = 260
const PAD = { top: 20, right: 20, bottom: 50, left: 50 }
const PLOT_W = WIDTH - PAD.left - PAD.right
const PLOT_H = HEIGHT - PAD.top - PAD.bottom

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

function open(kind: 'line-chart' | 'bar-chart', title: string): string {
  return (
    `<svg class="${kind}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title>`
  )
}

const x = (i: number, n: number) => PAD.left + (n <= 1 ? PLOT_W / 2 : (i * PLOT_W) / (n - 1))
const y = (fraction: number) => PAD.top + PLOT_H * (1 - fraction)

function text(px: number, py: number, content: string, anchor = 'middle', extra = ''): string {
  return `<text x="${px.toFixed(1)}" y="${py.toFixed(1)}" text-anchor="${anchor}" font-size="12" fill="#444"${extra}>${escapeXml(content)}</text>`
}

function gridline(fraction: number, label: string): string {
  const py = y(fraction)
  return (
    `<line x1="${PAD.left}" y1="${py.toFixed(1)}" x2="${WIDTH - PAD.right}" y2="${py.toFixed(1)}" stroke="#ddd"/>` +
    text(PAD.left - 6, py + 4, label, 'end')
  )
}

/** Rates by month, 0–100 %; each series a polyline broken where a value is null. */
export function lineChart(title: string, labels: string[], series: Series[]): string {
  const n = labels.length
  const parts = [open('line-chart', title)]
  for (const f of [0, 0.25, 0.5, 0.75, 1]) parts.push(gridline(f, `${f * 100}%`))
  labels.forEach((label, i) => {
    parts.push(text(x(i, n), HEIGHT - PAD.bottom + 18, label))
  })
  series.forEach((s, k) => {
    let run: string[] = []
    const flush = () => {
      if (run.length > 1)
        parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${run.join(' ')}"/>`)
      run = []
    }
    s.values.forEach((value, i) => {
      if (value === null) {
        flush()
        return
      }
      const point = `${x(i, n).toFixed(1)},${y(value).toFixed(1)}`
      run.push(point)
      parts.push(
        `<circle cx="${x(i, n).toFixed(1)}" cy="${y(value).toFixed(1)}" r="3.5" fill="${s.color}"><title>${escapeXml(`${s.name} ${labels[i]}: ${(value * 100).toFixed(1)}%`)}</title></circle>`,
      )
    })
    flush()
    const lx = PAD.left + k * 160
    parts.push(
      `<rect x="${lx}" y="${HEIGHT - 18}" width="12" height="12" fill="${s.color}"/>`,
      text(lx + 16, HEIGHT - 8, s.name, 'start'),
    )
  })
  parts.push('</svg>')
  return parts.join('')
}

/** Counts by month as bars, the axis up to a round number above the largest. */
export function barChart(title: string, labels: string[], values: number[], color: string): string {
  const n = labels.length
  const top = niceMax(Math.max(0, ...values))
  const slot = PLOT_W / Math.max(n, 1)
  const parts = [open('bar-chart', title)]
  for (const f of [0, 0.5, 1]) parts.push(gridline(f, String(Math.round(top * f))))
  values.forEach((value, i) => {
    const height = (value / top) * PLOT_H
    const bx = PAD.left + i * slot + slot * 0.2
    parts.push(
      `<rect x="${bx.toFixed(1)}" y="${y(value / top).toFixed(1)}" width="${(slot * 0.6).toFixed(1)}" height="${height.toFixed(1)}" fill="${color}"><title>${escapeXml(`${labels[i]}: ${value}`)}</title></rect>`,
      text(bx + slot * 0.3, y(value / top) - 4, String(value)),
      text(bx + slot * 0.3, HEIGHT - PAD.bottom + 18, labels[i] ?? ''),
    )
  })
  parts.push('</svg>')
  return parts.join('')
}

function niceMax(value: number): number {
  if (value <= 0) return 1
  const magnitude = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 5, 10]) if (value <= step * magnitude) return step * magnitude
  return 10 * magnitude
}
