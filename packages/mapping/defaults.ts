/** The default target mean ε over the samples: the paper's "common value" α = 0.1 (spec §2.1). */
export const DEFAULT_ALPHA = 0.1;

/** The default largest allowed ε, the paper's v_t = 0.99 (spec §2.1). */
export const DEFAULT_CAP = 0.99;

/** The default exponent of the power mapping: ε ∝ u², which spreads ε towards the most uncertain samples. */
export const DEFAULT_GAMMA = 2;
