/**
 * The report as a chart.js 4 horizontal stacked bar: one bar per group, split into early, on time
 * and late as shares of the group's finished clocks, the count in the tooltip. Only the parts
 * used are registered, animation is off. A click on a segment asks for the dossiers behind it.
 * The canvas carries each segment's centre in `data-bars` (CSS pixels), so a test can click one.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartEvent } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import type { ClockResult, OnTimeRow } from '../shared/api-auditor';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const SERIES: { result: ClockResult; label: string; color: string; count: (r: OnTimeRow) => number; rate: (r: OnTimeRow) => number }[] = [
  { result: 'early', label: 'Trước hạn', color: '#2e8b57', count: (r) => r.early, rate: (r) => r.earlyRate },
  { result: 'on_time', label: 'Đúng hạn', color: '#0b4f8a', count: (r) => r.onTime, rate: (r) => r.onTimeRate },
  { result: 'late', label: 'Trễ hạn', color: '#b3261e', count: (r) => r.late, rate: (r) => r.lateRate },
];

export function BarChart(p: { rows: OnTimeRow[]; label: (r: OnTimeRow) => string; onPick: (key: string, result: ClockResult) => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const pick = useRef(p.onPick);
  pick.current = p.onPick;
  useEffect(() => {
    const canvas = ref.current!;
    const rows = p.rows;
    const chart = new Chart(canvas, {
      type: 'bar',
      data: {
        labels: rows.map(p.label),
        datasets: SERIES.map((s) => ({ label: s.label, data: rows.map((r) => Math.round(s.rate(r) * 1000) / 10), backgroundColor: s.color })),
      },
      options: {
        indexAxis: 'y',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true, min: 0, max: 100, ticks: { callback: (v) => `${String(v)}%` } },
          y: { stacked: true },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            callbacks: {
              label: (c) => `${SERIES[c.datasetIndex].label}: ${SERIES[c.datasetIndex].count(rows[c.dataIndex])} hồ sơ (${String(c.raw).replace('.', ',')}%)`,
            },
          },
        },
        onClick: (e: ChartEvent, _els, c) => {
          const hit = c.getElementsAtEventForMode(e as unknown as Event, 'nearest', { intersect: true }, false)[0];
          if (hit) pick.current(rows[hit.index].key, SERIES[hit.datasetIndex].result);
        },
      },
    });
    canvas.dataset.bars = JSON.stringify(
      SERIES.flatMap((s, i) =>
        chart.getDatasetMeta(i).data.map((el, j) => {
          const c = (el as unknown as BarElement).getCenterPoint(true);
          return { key: rows[j].key, result: s.result, x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0), count: s.count(rows[j]) };
        }),
      ),
    );
    return () => chart.destroy();
  }, [p.rows]);
  return (
    <div class="lt-r-chart" style={{ height: `${Math.max(140, 60 + 38 * p.rows.length)}px` }}>
      <canvas ref={ref} data-testid="report-chart" role="img" aria-label="Biểu đồ tỷ lệ trước hạn, đúng hạn, trễ hạn" />
    </div>
  );
}
