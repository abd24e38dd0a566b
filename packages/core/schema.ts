/**
 * The schema library plugins declare their options with. Import it from `@ual/core` so that a
 * plugin and the core agree on one copy.
 */
export { z } from "zod";
