import { describe, expect, it } from "vitest";
import type { OrderJudgment, PairJudgment } from "./create_judge.ts";
import { tallyJudgments } from "./tally_judgments.ts";

const order = (o: Partial<OrderJudgment> = {}): OrderJudgment => ({ order: "a-first", verdict: "tie", outcome: "tie", cached: false, ...o });
const judgment = (outcome: PairJudgment["outcome"], inconsistent = false, failures: Array<"parse" | undefined> = []): PairJudgment => ({
  outcome,
  inconsistent,
  aFirst: order(failures[0] ? { verdict: null, outcome: null, failure: failures[0] } : {}),
  bFirst: order(failures[1] ? { verdict: null, outcome: null, failure: failures[1] } : {}),
});

describe("tallyJudgments()", () => {
  it("tallyJudgments() counts outcomes over the questions judged in both orders", () => {
    const tally = tallyJudgments([judgment("win"), judgment("win"), judgment("tie", true), judgment("loss"), judgment(null, false, ["parse", "parse"])]);
    expect(tally).toEqual({
      questions: 5,
      judged: 4,
      win: 2,
      tie: 1,
      loss: 1,
      inconsistent: 1,
      parseFailures: 2,
      unjudged: 1,
      rates: { win: 0.5, tie: 0.25, loss: 0.25, inconsistent: 0.25 },
    });
  });

  it("tallyJudgments() gives no rates when nothing was judged", () => {
    expect(tallyJudgments([judgment(null, false, [undefined, "parse"])])).toMatchObject({ judged: 0, unjudged: 1, parseFailures: 1 });
    expect(tallyJudgments([]).rates).toBeUndefined();
  });
});
