import { describe, expect, test } from "vitest";
import { ProgressBar } from "./progress_bar.ts";

function stream(isTTY: boolean) {
  const out: string[] = [];
  return { out, write: (s: string) => out.push(s), isTTY, columns: 80 };
}

describe("ProgressBar", () => {
  test("render() shows count, share, rate and time left", () => {
    let now = 0;
    const bar = new ProgressBar({ label: "rating", total: 200, stream: stream(true), now: () => now });
    now = 10_000;
    bar.update(50, "$0.12");
    expect(bar.render(100)).toMatch(/^rating \[#+-+\] 50\/200  25% 5\.0\/s eta 30s \$0\.12$/);
  });

  test("redraws in place on a terminal, at most once per interval", () => {
    let now = 0;
    const s = stream(true);
    const bar = new ProgressBar({ label: "x", total: 10, stream: s, now: () => now, intervalMs: 100 });
    bar.update(1);
    bar.update(2);
    now = 150;
    bar.update(3);
    bar.done();
    expect(s.out.filter((l) => l.startsWith("\r"))).toHaveLength(3);
    expect(s.out.at(-1)).toBe("\n");
  });

  test("in a log (no terminal) prints one line per 10% once work lasts, and only the last line for quick work", () => {
    let now = 0;
    const quick = stream(false);
    const fast = new ProgressBar({ label: "q", total: 100, stream: quick, now: () => now });
    for (let i = 1; i <= 100; i++) fast.update(i);
    fast.done();
    expect(quick.out).toHaveLength(1);
    expect(quick.out[0]).toContain("100/100");
    const slow = stream(false);
    const bar = new ProgressBar({ label: "s", total: 100, stream: slow, now: () => now });
    for (let i = 1; i <= 100; i++) {
      now += 100;
      bar.update(i);
    }
    bar.done();
    expect(slow.out.length).toBeGreaterThanOrEqual(9);
    expect(slow.out.length).toBeLessThanOrEqual(11);
  });

  test("note() prints above the bar without tearing it", () => {
    const s = stream(true);
    const bar = new ProgressBar({ label: "x", total: 2, stream: s, now: () => 0 });
    bar.update(1);
    bar.note("hello");
    expect(s.out.slice(-3)).toEqual(["\r\x1b[2K", "hello\n", expect.stringMatching(/^\r\x1b\[2Kx \[/)]);
  });
});
