/** Minimal, dependency-free SVG charts: the report must open offline, with no script. */

const WIDTH = 560;
const HEIGHT = 300;
const MARGIN = { top: 28, right: 16, bottom: 44, left: 56 };

/** A qualitative palette that stays readable for the common colour-vision deficiencies. */
export const PALETTE = ["#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb", "#000000"];

/** Escapes text for HTML and SVG. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

function fmt(x: number): string {
  if (x === 0) return "0";
  const abs = Math.abs(x);
  if (abs >= 1e4 || abs < 1e-3) return x.toExponential(1);
  return Number(x.toPrecision(3)).toString();
}

/** Round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  body: string[];
}

function frame(title: string, xLabel: string, yLabel: string, [x0, x1]: [number, number], [y0, y1]: [number, number], xTicks = true): Frame {
  const w = WIDTH - MARGIN.left - MARGIN.right;
  const h = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (v: number) => MARGIN.left + (x1 === x0 ? w / 2 : ((v - x0) / (x1 - x0)) * w);
  const y = (v: number) => MARGIN.top + h - (y1 === y0 ? h / 2 : ((v - y0) / (y1 - y0)) * h);
  const body = [
    `<text class="title" x="${WIDTH / 2}" y="18" text-anchor="middle">${escapeXml(title)}</text>`,
    `<line class="axis" x1="${MARGIN.left}" y1="${MARGIN.top + h}" x2="${MARGIN.left + w}" y2="${MARGIN.top + h}"/>`,
    `<line class="axis" x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + h}"/>`,
    `<text class="label" x="${MARGIN.left + w / 2}" y="${HEIGHT - 8}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text class="label" transform="translate(14 ${MARGIN.top + h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  ];
  for (const t of ticks(y0, y1)) {
    body.push(`<line class="grid" x1="${MARGIN.left}" y1="${y(t)}" x2="${MARGIN.left + w}" y2="${y(t)}"/>`);
    body.push(`<text class="tick" x="${MARGIN.left - 6}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  if (xTicks) for (const t of ticks(x0, x1)) body.push(`<text class="tick" x="${x(t)}" y="${MARGIN.top + h + 16}" text-anchor="middle">${fmt(t)}</text>`);
  return { x, y, body };
}

function svg(kind: string, body: string[], legend: Array<[string, string]> = []): string {
  const items = legend.map(([name, color], i) => `<g transform="translate(${MARGIN.left + 8 + (i % 4) * 130} ${MARGIN.top + 4 + Math.floor(i / 4) * 14})"><rect width="10" height="10" fill="${color}"/><text class="legend" x="14" y="9">${escapeXml(name)}</text></g>`);
  return `<svg class="chart" data-chart="${kind}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img">${[...body, ...items].join("")}</svg>`;
}

/** Overlaid histograms of several series over shared bins. */
export function histogram(title: string, xLabel: string, series: Array<{ name: string; values: readonly number[] }>, bins = 20): string {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  if (all.length === 0) return "";
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const counts = series.map((s) => {
    const c = new Array<number>(bins).fill(0);
    for (const v of s.values) if (Number.isFinite(v)) c[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
    return c;
  });
  const top = Math.max(1, ...counts.flat());
  const f = frame(title, xLabel, "samples", [lo, hi], [0, top]);
  counts.forEach((c, si) => {
    const color = PALETTE[si % PALETTE.length] as string;
    c.forEach((n, bi) => {
      if (n === 0) return;
      const x0 = f.x(lo + bi * width);
      const x1 = f.x(lo + (bi + 1) * width);
      f.body.push(`<rect class="bar" x="${x0 + 0.5}" y="${f.y(n)}" width="${Math.max(0.5, x1 - x0 - 1)}" height="${f.y(0) - f.y(n)}" fill="${color}" fill-opacity="${series.length > 1 ? 0.55 : 0.9}"><title>${escapeXml(series[si]!.name)}: ${n} in [${fmt(lo + bi * width)}, ${fmt(lo + (bi + 1) * width)})</title></rect>`);
    });
  });
  return svg("histogram", f.body, series.length > 1 ? series.map((s, i) => [s.name, PALETTE[i % PALETTE.length] as string]) : []);
}

/** Lines (x, y) per series, coloured by group (e.g. one line per seed, one colour per arm). */
export function lines(title: string, xLabel: string, yLabel: string, series: Array<{ name: string; group: string; points: ReadonlyArray<[number, number]> }>): string {
  const pts = series.flatMap((s) => s.points).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  if (pts.length === 0) return "";
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const f = frame(title, xLabel, yLabel, [Math.min(...xs), Math.max(...xs)], [Math.min(0, ...ys), Math.max(...ys)]);
  const groups = [...new Set(series.map((s) => s.group))];
  for (const s of series) {
    const color = PALETTE[groups.indexOf(s.group) % PALETTE.length] as string;
    const d = s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)).map(([a, b], i) => `${i === 0 ? "M" : "L"}${f.x(a).toFixed(1)} ${f.y(b).toFixed(1)}`).join("");
    f.body.push(`<path class="line" d="${d}" fill="none" stroke="${color}" stroke-width="1.5" stroke-opacity="0.8"><title>${escapeXml(s.name)}</title></path>`);
  }
  return svg("lines", f.body, groups.map((g, i) => [g, PALETTE[i % PALETTE.length] as string]));
}

/** Grouped bars with 95% CI error bars: one group per category (subset), one bar per series (arm). */
export function bars(title: string, yLabel: string, categories: readonly string[], series: Array<{ name: string; values: ReadonlyArray<{ mean: number; halfWidth?: number } | undefined> }>): string {
  const tops = series.flatMap((s) => s.values.map((v) => (v ? v.mean + (Number.isFinite(v.halfWidth) ? (v.halfWidth ?? 0) : 0) : Number.NaN))).filter(Number.isFinite);
  const lows = series.flatMap((s) => s.values.map((v) => (v ? v.mean - (Number.isFinite(v.halfWidth) ? (v.halfWidth ?? 0) : 0) : Number.NaN))).filter(Number.isFinite);
  if (tops.length === 0) return "";
  const f = frame(title, "", yLabel, [0, categories.length], [Math.min(0, ...lows), Math.max(...tops)], false);
  const slot = (f.x(1) - f.x(0)) * 0.8;
  const barWidth = slot / Math.max(1, series.length);
  categories.forEach((category, ci) => {
    f.body.push(`<text class="tick" x="${f.x(ci + 0.5)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeXml(category)}</text>`);
    series.forEach((s, si) => {
      const v = s.values[ci];
      if (!v || !Number.isFinite(v.mean)) return;
      const color = PALETTE[si % PALETTE.length] as string;
      const x0 = f.x(ci) + (f.x(1) - f.x(0)) * 0.1 + si * barWidth;
      const yTop = f.y(Math.max(0, v.mean));
      const yBottom = f.y(Math.min(0, v.mean));
      f.body.push(`<rect class="bar" x="${x0}" y="${yTop}" width="${barWidth - 2}" height="${Math.max(0.5, yBottom - yTop)}" fill="${color}"><title>${escapeXml(`${s.name} · ${category}: ${fmt(v.mean)}${v.halfWidth !== undefined && Number.isFinite(v.halfWidth) ? ` ± ${fmt(v.halfWidth)}` : ""}`)}</title></rect>`);
      if (v.halfWidth !== undefined && Number.isFinite(v.halfWidth) && v.halfWidth > 0) {
        const cx = x0 + (barWidth - 2) / 2;
        f.body.push(`<path class="errorbar" d="M${cx} ${f.y(v.mean - v.halfWidth)}V${f.y(v.mean + v.halfWidth)}M${cx - 4} ${f.y(v.mean - v.halfWidth)}h8M${cx - 4} ${f.y(v.mean + v.halfWidth)}h8" stroke="#333" fill="none"/>`);
      }
    });
  });
  return svg("bars", f.body, series.map((s, i) => [s.name, PALETTE[i % PALETTE.length] as string]));
}

/** A scatter plot of 2-D points, coloured by label. */
export function scatter(title: string, points: ReadonlyArray<{ x: number; y: number; label: string }>): string {
  const pts = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (pts.length === 0) return "";
  // 5% of room on each side, so that the outermost points sit inside the axes, not on them
  const padded = (values: number[]): [number, number] => {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const pad = (hi - lo) * 0.05;
    return [lo - pad, hi + pad];
  };
  const f = frame(title, "PC 1", "PC 2", padded(pts.map((p) => p.x)), padded(pts.map((p) => p.y)));
  const labels = [...new Set(pts.map((p) => p.label))];
  for (const p of pts) f.body.push(`<circle class="point" cx="${f.x(p.x).toFixed(1)}" cy="${f.y(p.y).toFixed(1)}" r="2.5" fill="${PALETTE[labels.indexOf(p.label) % PALETTE.length]}" fill-opacity="0.7"/>`);
  return svg("scatter", f.body, labels.map((l, i) => [l, PALETTE[i % PALETTE.length] as string]));
}
