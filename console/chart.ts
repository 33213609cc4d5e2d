// Small hand-drawn SVG line charts (no charting library: a few polylines, axes and a legend). Colours and sizes are
// SVG presentation attributes, which the page's CSP allows (inline style attributes it does not).
import { html } from 'htm/preact';

export interface Series {
  name: string;
  /** y values; x is the index (or `xs` when given). */
  values: Array<number | null>;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];

const tick = (value: number) =>
  value === 0
    ? '0'
    : Math.abs(value) >= 100
      ? value.toFixed(0)
      : Math.abs(value) >= 1
        ? value.toFixed(1)
        : value.toPrecision(2);

export function LineChart({
  title,
  series,
  xLabels,
  width = 320,
  height = 180,
  unit = '',
  minTop = 1e-9,
  testId,
}: {
  title: string;
  series: Series[];
  /** One label per x position (shown at most ~8 of them). */
  xLabels?: string[];
  width?: number;
  height?: number;
  unit?: string;
  /** The y axis reaches at least this high (an idle server's zeros still get a readable axis). */
  minTop?: number;
  testId?: string;
}) {
  const pad = { l: 44, r: 8, t: 20, b: 24 };
  const points = Math.max(1, ...series.map((s) => s.values.length));
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const yMax = Math.max(minTop, ...all) * 1.1;
  const x = (i: number) => pad.l + (points === 1 ? 0.5 : i / (points - 1)) * (width - pad.l - pad.r);
  const y = (v: number) => height - pad.b - (v / yMax) * (height - pad.t - pad.b);
  const labelEvery = Math.max(1, Math.ceil(points / 8));
  return html`<figure class="chart" data-test=${testId}>
    <svg viewBox=${`0 0 ${width} ${height}`} width=${width} height=${height} role="img" aria-label=${title}>
      <text x=${pad.l} y="12" font-size="11" font-weight="600">${title}${unit ? ` (${unit})` : ''}</text>
      ${[0, 0.5, 1].map(
        (f) =>
          html`<line x1=${pad.l} x2=${width - pad.r} y1=${y(f * yMax)} y2=${y(f * yMax)} stroke="#e4e4e4" />
            <text x=${pad.l - 4} y=${y(f * yMax) + 3} text-anchor="end" font-size="9" fill="#555"
              >${tick(f * yMax)}</text
            >`,
      )}
      ${(xLabels ?? []).map((label, i) =>
        i % labelEvery === 0
          ? html`<text x=${x(i)} y=${height - pad.b + 13} text-anchor="middle" font-size="9" fill="#555"
              >${label}</text
            >`
          : null,
      )}
      ${series.map((s, k) => {
        const path = s.values
          .map((v, i) => (v === null || !Number.isFinite(v) ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
          .filter(Boolean)
          .join(' ');
        return html`<polyline fill="none" stroke=${PALETTE[k % PALETTE.length]} stroke-width="1.8" points=${path} />`;
      })}
    </svg>
    <figcaption class="legend small">
      ${series.map(
        (s, k) =>
          html`<span class="legend-entry"
            ><svg width="10" height="10"><rect width="10" height="10" fill=${PALETTE[k % PALETTE.length]} /></svg>
            ${s.name}</span
          >`,
      )}
    </figcaption>
  </figure>`;
}
