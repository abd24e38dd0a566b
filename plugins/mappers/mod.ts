/**
 * `@ual/mappers`: four mapper plugins in one package, for baselines and variants of UAL's
 * truncated linear map. A manifest picks one with a fragment, e.g. `use: "@ual/mappers#rank"`,
 * which matches the last part of the plugin's name (`@ual/mappers/rank`).
 *
 * - `constant`: ε = α for every sample (label smoothing, "LS").
 * - `none`: ε = 0 (plain fine-tuning, "SFT").
 * - `rank`: truncated linear on the normalised ranks of the scores.
 * - `power`: truncated linear on u^γ.
 *
 * @module
 */
export { constant } from "./constant.ts";
export { none } from "./none.ts";
export { rank } from "./rank.ts";
export { power } from "./power.ts";
