import type { PluginContext } from "@ual/core";
import { requestWiring } from "./_request_wiring.ts";
import { createJudge, type Judge } from "./create_judge.ts";
import { JUDGE_PROMPT } from "./judge_prompt.ts";
import type { JudgeProvider } from "./judge_provider.ts";
import { loadJudgeTemplate, type JudgeTemplate } from "./judge_template.ts";
import type { RequestOptions } from "./request_options.ts";

/** What {@linkcode judgeFromOptions} reads: the shared request options, and an optional template file. */
export type JudgeRequestOptions = RequestOptions & { promptFile?: string | undefined };

/**
 * Builds a {@linkcode Judge} from a plugin's validated options and its context, the way
 * {@linkcode elicitorFromOptions} builds an elicitor: takes the given template, else reads the
 * `promptFile` (relative to the manifest; `{question}`, `{answer_a}`, `{answer_b}`), else
 * {@linkcode JUDGE_PROMPT}; opens the reply cache (`.ual/llm-cache.sqlite`, or `cacheFile`), and
 * wires the limits, retries, prices, budget, logger, the run's signal and the secrets to keep out
 * of every text. `apiKeySecret` is the plugin's name for the key's secret, for messages.
 *
 * @example
 * ```ts
 * const judge = await judgeFromOptions(options, context, createOpenAIJudgeProvider(options, connection), { apiKeyEnv: "OPENAI_API_KEY" });
 * ```
 */
export async function judgeFromOptions(
  options: JudgeRequestOptions,
  context: PluginContext,
  provider: JudgeProvider,
  settings: { apiKeyEnv: string; apiKeySecret?: string; template?: JudgeTemplate },
): Promise<Judge> {
  const template = settings.template ?? (options.promptFile ? await loadJudgeTemplate(context.resolvePath(options.promptFile)) : JUDGE_PROMPT);
  const wiring = requestWiring(options, context);
  try {
    return createJudge({ ...wiring, provider, template, apiKeyEnv: settings.apiKeyEnv, ...(settings.apiKeySecret !== undefined ? { apiKeySecret: settings.apiKeySecret } : {}) });
  } catch (error) {
    wiring.cache?.close();
    throw error;
  }
}
