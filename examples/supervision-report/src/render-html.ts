/**
 * The report as one self-contained HTML file: inline CSS, inline SVG charts, no script and
 * no reference to anything outside the file, so it can be mailed or archived as it is.
 */
import type { ReportData } from './fetch.js'
import type { Report } from './report.js'
import { type Block, introduction, sections, title } from './sections.js'
import { barChart, escapeXml as esc, lineChart } from './svg-chart.js'

const STYLE = `
body { font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { border-bottom: 3px solid #b71c1c; padding-bottom: .4rem; }
h2 { margin-top: 2.2rem; border-left: 5px solid #b71c1c; padding-left: .6rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td:not(:first-child) { font-variant-numeric: tabular-nums; }
code { font-size: .85rem; word-break: break-all; }
.verdict { padding: .8rem 1rem; font-weight: bold; border-radius: 4px; }
.verdict.ok { background: #e8f5e9; border: 1px solid #2e7d32; color: #1b5e20; }
.verdict.failed { background: #ffebee; border: 3px solid #b71c1c; color: #b71c1c; font-size: 1.2rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
figure { margin: 0; } figcaption { font-size: .85rem; color: #555; }
svg { max-width: 100%; height: auto; }
`

function charts(data: ReportData): Record<'rates' | 'volume', string> {
  const labels = data.trend.map((t) => t.month)
  return {
    rates: figure(
      '和解成功率与按时办结率 Settlement and on-time rates',
      lineChart('和解成功率与按时办结率', labels, [
        {
          name: '和解成功率',
          color: '#b71c1c',
          values: data.trend.map((t) => t.stats?.settlement_rate ?? null),
        },
        {
          name: '按时办结率',
          color: '#1565c0',
          values: data.trend.map((t) => t.stats?.on_time_rate ?? null),
        },
      ]),
    ),
    volume: figure(
      '投诉量 Disputes received',
      barChart(
        '投诉量',
        labels,
        data.trend.map((t) => t.stats?.received ?? 0),
        '#546e7a',
      ),
    ),
  }
}

function figure(caption: string, svg: string): string {
  return `<figure>${svg}<figcaption>${esc(caption)}</figcaption></figure>`
}

function block(b: Block, drawn: Record<'rates' | 'volume', string>): string {
  switch (b.kind) {
    case 'text':
      return `<p>${esc(b.text)}</p>`
    case 'verdict':
      return `<p class="verdict ${b.ok ? 'ok' : 'failed'}" role="${b.ok ? 'status' : 'alert'}">${b.ok ? '✅' : '❌'} ${esc(b.text)}</p>`
    case 'subheading':
      return `<h3>${esc(b.text)}</h3>`
    case 'list':
      return `<ul>${b.items.map((item) => `<li>${esc(item)}</li>`).join('')}</ul>`
    case 'chart':
      return drawn[b.chart]
    case 'table': {
      const code = new Set(b.code ?? [])
      const head = `<tr>${b.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`
      const rows = b.rows
        .map(
          (r) =>
            `<tr>${r.map((value, i) => `<td>${code.has(i) ? `<code>${esc(value)}</code>` : esc(value)}</td>`).join('')}</tr>`,
        )
        .join('\n')
      return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows}\n</tbody>\n</table>`
    }
  }
}

export function renderHtml(report: Report): string {
  const drawn = charts(report.data)
  const body: string[] = []
  for (const section of sections(report)) {
    body.push(`<section id="${section.id}">`, `<h2>${esc(section.heading)}</h2>`)
    let inCharts = false
    for (const b of section.blocks) {
      // Consecutive charts side by side.
      if (b.kind === 'chart' && !inCharts) body.push('<div class="charts">')
      if (b.kind !== 'chart' && inCharts) body.push('</div>')
      inCharts = b.kind === 'chart'
      body.push(block(b, drawn))
    }
    if (inCharts) body.push('</div>')
    body.push('</section>')
  }
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title(report))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${esc(title(report))}</h1>
<p>${esc(introduction(report))}</p>
${body.join('\n')}
</body>
</html>
`
}
