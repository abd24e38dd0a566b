/**
 * `@ual/random`: the one seeded generator every package draws from (weights, data order, testbed
 * samples, random pairs), so a seed means the same thing everywhere.
 *
 * @module
 */
export * from "./rng.ts";
export * from "./fnv1a.ts";
