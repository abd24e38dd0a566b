import type { PluginContext } from "@ual/core";
import { requestWiring } from "./_request_wiring.ts";
import { createElicitor, type Elicitor } from "./create_elicitor.ts";
import type { ElicitOptions } from "./elicit_options.ts";
import { loadPromptTemplate } from "./prompt_template.ts";
import type { RatingProvider } from "./rating_provider.ts";
import { RUBRIC } from "./rubric.ts";

/**
 * Builds an {@linkcode Elicitor} from a plugin's validated options and its context: reads the
 * `promptFile` (relative to the manifest) or takes the built-in rubric, opens the reply cache
 * (`.ual/llm-cache.sqlite`, or `cacheFile`), and wires the limits, retries, prices, budget,
 * logger, the run's signal and the secrets to keep out of every text.
 *
 * @example
 * ```ts
 * create: async (options, context) =>
 *   elicitorFromOptions(options, context, createOpenAIProvider(options, context), { apiKeyEnv: "OPENAI_API_KEY" }),
 * ```
 */
export async function elicitorFromOptions(
  options: ElicitOptions,
  context: PluginContext,
  provider: RatingProvider,
  names: { apiKeyEnv: string },
): Promise<Elicitor> {
  const template = options.promptFile ? await loadPromptTemplate(context.resolvePath(options.promptFile)) : RUBRIC;
  const wiring = requestWiring(options, context);
  try {
    return createElicitor({
      ...wiring,
      provider,
      template,
      conversationFormat: options.conversationFormat,
      mode: options.mode,
      batch: { size: options.batchSize, windowMs: options.batchWindowMs, pollMs: options.batchPollMs },
      apiKeyEnv: names.apiKeyEnv,
    });
  } catch (error) {
    wiring.cache?.close();
    throw error;
  }
}
