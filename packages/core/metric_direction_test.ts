import { describe, expect, test } from "vitest";
import { metricDirection } from "./metric_direction.ts";

describe("metricDirection()", () => {
  test("metricDirection() says lower for costs and higher for scores, whole name or word", () => {
    for (const m of ["nll", "kl", "loss", "NLL"]) expect(metricDirection(m), m).toBe("lower");
    for (const m of ["accuracy", "acc", "acc_norm", "first_token_acc", "best_of_n_sampled", "validity", "distinct", "silhouette-all", "silhouette-random", "win"]) {
      expect(metricDirection(m), m).toBe("higher");
    }
  });

  test("metricDirection() does not guess from parts of words", () => {
    expect(metricDirection("score")).toBeUndefined();
    expect(metricDirection("checklist")).toBeUndefined();
    expect(metricDirection("accent")).toBeUndefined();
  });
});
