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
  // integer multiples of the step (not a running sum, whose round-off labelled 0 as -2.8e-17)
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  body: string[];
  /** The SVG's height: the plot's plus the legend band above it. */
  height: number;
}

/** A legend laid out in rows of its own, so that it never covers data. */
interface Legend {
  height: number;
  svg: string;
}

// Roughly the advance of an 11px system-ui glyph; legends wrap on it, so too wide is safer than too narrow.
const CHAR_WIDTH = 6.6;

/**
 * Lays out legend items left to right in a band below the title, wrapping to a new row when one
 * would cross the right margin. The band sits above the plot area (the frame moves the plot down
 * by its height): a legend inside the axes hid the first bar and the histograms' data.
 */
function legend(items: ReadonlyArray<[string, string]>, top: number): Legend {
  if (items.length === 0) return { height: 0, svg: "" };
  const row = 15;
  let x = MARGIN.left;
  let y = top;
  const out: string[] = [];
  for (const [name, color] of items) {
    const width = 14 + name.length * CHAR_WIDTH + 14;
    if (x + width > WIDTH - MARGIN.right && x > MARGIN.left) {
      x = MARGIN.left;
      y += row;
    }
    out.push(`<g transform="translate(${x.toFixed(1)} ${y})"><rect width="10" height="10" fill="${color}"/><text class="legend" x="14" y="9">${escapeXml(name)}</text></g>`);
    x += width;
  }
  return { height: y - top + row + 4, svg: `<g class="legend">${out.join("")}</g>` };
}

function frame(title: string, xLabel: string, yLabel: string, [x0, x1]: [number, number], [y0, y1]: [number, number], options: { xTicks?: boolean; legend?: ReadonlyArray<[string, string]> } = {}): Frame {
  const key = legend(options.legend ?? [], MARGIN.top - 4);
  const top = MARGIN.top + key.height;
  const height = HEIGHT + key.height;
  const w = WIDTH - MARGIN.left - MARGIN.right;
  const h = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (v: number) => MARGIN.left + (x1 === x0 ? w / 2 : ((v - x0) / (x1 - x0)) * w);
  const y = (v: number) => top + h - (y1 === y0 ? h / 2 : ((v - y0) / (y1 - y0)) * h);
  const body = [
    `<text class="title" x="${WIDTH / 2}" y="18" text-anchor="middle">${escapeXml(title)}</text>`,
    key.svg,
    // what the browser test checks legends against; drawn first, so that it is under everything
    `<rect class="plot-area" x="${MARGIN.left}" y="${top}" width="${w}" height="${h}" fill="none"/>`,
    `<line class="axis" x1="${MARGIN.left}" y1="${top + h}" x2="${MARGIN.left + w}" y2="${top + h}"/>`,
    `<line class="axis" x1="${MARGIN.left}" y1="${top}" x2="${MARGIN.left}" y2="${top + h}"/>`,
    `<text class="label" x="${MARGIN.left + w / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text class="label" transform="translate(14 ${top + h / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  ];
  for (const t of ticks(y0, y1)) {
    body.push(`<line class="grid" x1="${MARGIN.left}" y1="${y(t)}" x2="${MARGIN.left + w}" y2="${y(t)}"/>`);
    body.push(`<text class="tick" x="${MARGIN.left - 6}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  if (options.xTicks ?? true) for (const t of ticks(x0, x1)) body.push(`<text class="tick" x="${x(t)}" y="${top + h + 16}" text-anchor="middle">${fmt(t)}</text>`);
  return { x, y, body, height };
}

function svg(kind: string, f: Pick<Frame, "body" | "height">): string {
  return `<svg class="chart" data-chart="${kind}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${f.height}" width="${WIDTH}" height="${f.height}" role="img">${f.body.join("")}</svg>`;
}

const colorOf = (s: { color?: string }, i: number): string => s.color ?? (PALETTE[i % PALETTE.length] as string);

/** Overlaid histograms of several series over shared bins; the legend sits above the plot. */
export function histogram(title: string, xLabel: string, series: Array<{ name: string; values: readonly number[]; color?: string }>, bins = 20): string {
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
  const f = frame(title, xLabel, "samples", [lo, hi], [0, top], { legend: series.length > 1 ? series.map((s, i) => [s.name, colorOf(s, i)]) : [] });
  counts.forEach((c, si) => {
    const color = colorOf(series[si]!, si);
    c.forEach((n, bi) => {
      if (n === 0) return;
      const x0 = f.x(lo + bi * width);
      const x1 = f.x(lo + (bi + 1) * width);
      f.body.push(`<rect class="bar" x="${x0 + 0.5}" y="${f.y(n)}" width="${Math.max(0.5, x1 - x0 - 1)}" height="${f.y(0) - f.y(n)}" fill="${color}" fill-opacity="${series.length > 1 ? 0.55 : 0.9}"><title>${escapeXml(series[si]!.name)}: ${n} in [${fmt(lo + bi * width)}, ${fmt(lo + (bi + 1) * width)})</title></rect>`);
    });
  });
  return svg("histogram", f);
}

/**
 * A centred moving average over `window` points (odd; `window` 1 is the data). Near the ends the
 * window shrinks symmetrically to what is there, so the curve neither lags nor leaves the data's
 * range at the first and last steps.
 */
export function movingAverage(values: readonly number[], window: number): number[] {
  const k = Math.max(0, Math.floor(window / 2));
  return values.map((_, i) => {
    const half = Math.min(k, i, values.length - 1 - i);
    let sum = 0;
    for (let j = i - half; j <= i + half; j++) sum += values[j] as number;
    return sum / (2 * half + 1);
  });
}

/**
 * The moving-average window for a curve of `points` steps: about 5% of them, odd, at least 1 and at
 * most 101 — wide enough to show the trend of a per-step loss (630 steps → 31), narrow enough to
 * keep its bends.
 */
export function smoothingWindow(points: number): number {
  const w = Math.round(points / 20);
  return Math.min(101, Math.max(1, w % 2 === 0 ? w + 1 : w));
}

/**
 * Lines (x, y) per series, coloured by group (e.g. one line per seed, one colour per arm). With
 * `smooth`, each series is drawn faint as it is and again as a centred moving average of
 * {@linkcode smoothingWindow} points, and the subtitle says so.
 */
export function lines(title: string, xLabel: string, yLabel: string, series: Array<{ name: string; group: string; points: ReadonlyArray<[number, number]>; color?: string }>, options: { smooth?: boolean } = {}): string {
  const clean = series.map((s) => ({ ...s, points: s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b)) }));
  const pts = clean.flatMap((s) => s.points);
  if (pts.length === 0) return "";
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const groups = [...new Set(clean.map((s) => s.group))];
  const groupColor = (g: string) => clean.find((s) => s.group === g)?.color ?? (PALETTE[groups.indexOf(g) % PALETTE.length] as string);
  const windows = clean.map((s) => smoothingWindow(s.points.length));
  const smooth = (options.smooth ?? false) && windows.some((w) => w > 1);
  const widest = Math.max(...windows);
  // the x label says how the curve was smoothed: a reader must know the bold line is not the data
  const said = windows.every((w) => w === widest) ? `${widest} points` : `≈5% of the points (up to ${widest})`;
  const label = smooth ? `${xLabel} — faint: each ${xLabel}; bold: centred moving average over ${said}` : xLabel;
  const f = frame(title, label, yLabel, [Math.min(...xs), Math.max(...xs)], [Math.min(0, ...ys), Math.max(...ys)], { legend: groups.map((g) => [g, groupColor(g)]) });
  const path = (points: ReadonlyArray<[number, number]>) => points.map(([a, b], i) => `${i === 0 ? "M" : "L"}${f.x(a).toFixed(1)} ${f.y(b).toFixed(1)}`).join("");
  clean.forEach((s, i) => {
    const color = groupColor(s.group);
    if (!smooth) {
      f.body.push(`<path class="line" d="${path(s.points)}" fill="none" stroke="${color}" stroke-width="1.5" stroke-opacity="0.8"><title>${escapeXml(s.name)}</title></path>`);
      return;
    }
    const averaged = movingAverage(s.points.map((p) => p[1]), windows[i] as number);
    f.body.push(`<path class="line raw" d="${path(s.points)}" fill="none" stroke="${color}" stroke-width="1" stroke-opacity="0.18"><title>${escapeXml(s.name)} (every step)</title></path>`);
    f.body.push(`<path class="line smooth" d="${path(s.points.map(([a], j) => [a, averaged[j] as number]))}" fill="none" stroke="${color}" stroke-width="2" stroke-opacity="0.9"><title>${escapeXml(s.name)} (moving average over ${windows[i]} steps)</title></path>`);
  });
  return svg("lines", f);
}

/** Grouped bars with 95% CI error bars: one group per category (subset), one bar per series (arm). */
export function bars(title: string, yLabel: string, categories: readonly string[], series: Array<{ name: string; values: ReadonlyArray<{ mean: number; halfWidth?: number } | undefined>; color?: string }>): string {
  const tops = series.flatMap((s) => s.values.map((v) => (v ? v.mean + (Number.isFinite(v.halfWidth) ? (v.halfWidth ?? 0) : 0) : Number.NaN))).filter(Number.isFinite);
  const lows = series.flatMap((s) => s.values.map((v) => (v ? v.mean - (Number.isFinite(v.halfWidth) ? (v.halfWidth ?? 0) : 0) : Number.NaN))).filter(Number.isFinite);
  if (tops.length === 0) return "";
  const f = frame(title, "", yLabel, [0, categories.length], [Math.min(0, ...lows), Math.max(...tops)], { xTicks: false, legend: series.map((s, i) => [s.name, colorOf(s, i)]) });
  const slot = (f.x(1) - f.x(0)) * 0.8;
  const barWidth = slot / Math.max(1, series.length);
  categories.forEach((category, ci) => {
    f.body.push(`<text class="tick" x="${f.x(ci + 0.5)}" y="${f.height - MARGIN.bottom + 16}" text-anchor="middle">${escapeXml(category)}</text>`);
    series.forEach((s, si) => {
      const v = s.values[ci];
      if (!v || !Number.isFinite(v.mean)) return;
      const x0 = f.x(ci) + (f.x(1) - f.x(0)) * 0.1 + si * barWidth;
      const yTop = f.y(Math.max(0, v.mean));
      const yBottom = f.y(Math.min(0, v.mean));
      f.body.push(`<rect class="bar" x="${x0}" y="${yTop}" width="${barWidth - 2}" height="${Math.max(0.5, yBottom - yTop)}" fill="${colorOf(s, si)}"><title>${escapeXml(`${s.name} · ${category}: ${fmt(v.mean)}${v.halfWidth !== undefined && Number.isFinite(v.halfWidth) ? ` ± ${fmt(v.halfWidth)}` : ""}`)}</title></rect>`);
      if (v.halfWidth !== undefined && Number.isFinite(v.halfWidth) && v.halfWidth > 0) {
        const cx = x0 + (barWidth - 2) / 2;
        f.body.push(`<path class="errorbar" d="M${cx} ${f.y(v.mean - v.halfWidth)}V${f.y(v.mean + v.halfWidth)}M${cx - 4} ${f.y(v.mean - v.halfWidth)}h8M${cx - 4} ${f.y(v.mean + v.halfWidth)}h8" stroke="#333" fill="none"/>`);
      }
    });
  });
  return svg("bars", f);
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
  const labels = [...new Set(pts.map((p) => p.label))];
  const f = frame(title, "PC 1", "PC 2", padded(pts.map((p) => p.x)), padded(pts.map((p) => p.y)), { legend: labels.map((l, i) => [l, PALETTE[i % PALETTE.length] as string]) });
  for (const p of pts) f.body.push(`<circle class="point" cx="${f.x(p.x).toFixed(1)}" cy="${f.y(p.y).toFixed(1)}" r="2.5" fill="${PALETTE[labels.indexOf(p.label) % PALETTE.length]}" fill-opacity="0.7"/>`);
  return svg("scatter", f);
}

/** One row of a forest plot: an arm's difference from the baseline with its 95% interval. */
export interface ForestRow {
  name: string;
  mean: number;
  /** NaN or absent with one seed: then there is a point and no whisker. */
  halfWidth?: number;
  /** The numbers, as the table prints them (`+0.0123 ± 0.0456 (n=5) *`). */
  text: string;
  /** Drawn filled when the interval excludes 0, hollow when it does not. */
  excludesZero: boolean;
  color?: string;
}

/**
 * One panel of a forest plot: a row per arm, its mean difference as a point with the 95% interval
 * as a whisker, a dashed vertical line at 0, the metric's own scale on the x axis, arm names on
 * the left and the numbers on the right (outside the plot area, so that nothing covers a whisker).
 */
export function forest(title: string, xLabel: string, rows: readonly ForestRow[]): string {
  if (rows.length === 0) return "";
  const rowHeight = 20;
  const top = MARGIN.top;
  const left = 12 + Math.max(...rows.map((r) => r.name.length)) * CHAR_WIDTH + 8;
  const right = WIDTH - (12 + Math.max(...rows.map((r) => r.text.length)) * CHAR_WIDTH);
  const h = rows.length * rowHeight + 8;
  const height = top + h + 40;
  const ends = rows.flatMap((r) => (Number.isFinite(r.halfWidth) ? [r.mean - (r.halfWidth as number), r.mean + (r.halfWidth as number)] : [r.mean])).filter(Number.isFinite);
  let lo = Math.min(0, ...ends);
  let hi = Math.max(0, ...ends);
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  // 5% of room on each side: a whisker ending at the frame would look cut off
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * (right - left);
  const body = [
    `<text class="title" x="${WIDTH / 2}" y="18" text-anchor="middle">${escapeXml(title)}</text>`,
    `<rect class="plot-area" x="${left}" y="${top}" width="${right - left}" height="${h}" fill="none"/>`,
    `<line class="axis" x1="${left}" y1="${top + h}" x2="${right}" y2="${top + h}"/>`,
    `<text class="label" x="${(left + right) / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(xLabel)}</text>`,
  ];
  for (const t of ticks(lo, hi, 4)) {
    body.push(`<line class="grid" x1="${x(t)}" y1="${top}" x2="${x(t)}" y2="${top + h}"/>`);
    body.push(`<text class="tick" x="${x(t)}" y="${top + h + 15}" text-anchor="middle">${fmt(t)}</text>`);
  }
  body.push(`<line class="zero" x1="${x(0)}" y1="${top}" x2="${x(0)}" y2="${top + h}" stroke="#555" stroke-dasharray="4 3"/>`);
  rows.forEach((r, i) => {
    const cy = top + 4 + i * rowHeight + rowHeight / 2;
    const color = colorOf(r, i);
    body.push(`<text class="arm" x="${left - 8}" y="${cy + 4}" text-anchor="end">${escapeXml(r.name)}</text>`);
    body.push(`<text class="value" x="${right + 8}" y="${cy + 4}">${escapeXml(r.text)}</text>`);
    if (!Number.isFinite(r.mean)) return;
    if (Number.isFinite(r.halfWidth)) {
      const a = x(r.mean - (r.halfWidth as number));
      const b = x(r.mean + (r.halfWidth as number));
      body.push(`<path class="whisker" d="M${a.toFixed(1)} ${cy}H${b.toFixed(1)}M${a.toFixed(1)} ${cy - 4}v8M${b.toFixed(1)} ${cy - 4}v8" stroke="${color}" stroke-width="1.5" fill="none"/>`);
    }
    body.push(`<circle class="point" cx="${x(r.mean).toFixed(1)}" cy="${cy}" r="4" fill="${r.excludesZero ? color : "#fff"}" stroke="${color}" stroke-width="1.5"><title>${escapeXml(`${r.name}: ${r.text}`)}</title></circle>`);
  });
  return `<svg class="chart" data-chart="forest" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img">${body.join("")}</svg>`;
}
