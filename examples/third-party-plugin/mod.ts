export * from "./lexical_variety.ts";
export * from "./plugin.ts";
