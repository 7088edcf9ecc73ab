import { useEffect, useRef } from 'preact/hooks'
import type uPlot from 'uplot'

export interface Series {
  label: string
  values: (number | null)[]
  colour: string
  /** Bars for counts, lines for rates. */
  kind: 'bars' | 'line'
  /** Rates are drawn on a 0–100 % scale. */
  percent?: boolean
}

/**
 * A uPlot chart, loaded on first use so that pages without charts never fetch it. The
 * canvas is hidden from screen readers: each chart sits in a figure whose caption names it,
 * and its numbers are in a table beside it.
 */
export function Chart(props: { categories: string[]; series: Series[]; height?: number }) {
  const host = useRef<HTMLDivElement>(null)
  useEffect(() => {
    let plot: uPlot | undefined
    let cancelled = false
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled || !host.current) return
      const width = host.current.clientWidth || 600
      const bars = UPlot.paths.bars?.({ size: [0.6, 40] })
      const percentScale = props.series.some((s) => s.percent)
      plot = new UPlot(
        {
          width,
          height: props.height ?? 240,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: false }, ...(percentScale ? { pct: { range: [0, 100] } } : {}) },
          axes: [
            { values: (_u, ticks) => ticks.map((i) => props.categories[i] ?? ''), stroke: '#1a1f29' },
            percentScale
              ? { scale: 'pct', values: (_u, ticks) => ticks.map((v) => `${v}%`), stroke: '#1a1f29' }
              : { stroke: '#1a1f29' },
          ],
          series: [
            {},
            ...props.series.map((s) => ({
              label: s.label,
              stroke: s.colour,
              width: 2,
              ...(s.kind === 'bars'
                ? { fill: `${s.colour}cc`, paths: bars }
                : { points: { show: true, size: 6 } }),
              ...(s.percent ? { scale: 'pct' } : {}),
            })),
          ],
        },
        [
          props.categories.map((_, i) => i),
          ...props.series.map((s) => s.values.map((v) => (v === null ? null : s.percent ? v * 100 : v))),
        ],
        host.current,
      )
    })
    return () => {
      cancelled = true
      plot?.destroy()
    }
  }, [props.categories, props.series, props.height])
  return <div class="chart" ref={host} aria-hidden="true" />
}

/** The chart's key in words, since the canvas carries none. */
export function ChartKey({ series }: { series: Series[] }) {
  return (
    <ul class="chart-key">
      {series.map((s) => (
        <li key={s.label}>
          <span class="swatch" style={{ background: s.colour }} /> {s.label}
        </li>
      ))}
    </ul>
  )
}
