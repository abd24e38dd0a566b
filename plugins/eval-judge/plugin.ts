import { join } from "node:path";
import { definePlugin, writeFileAtomic, type Evaluator } from "@ual/core";
import { judgeFromOptions, loadJudgeTemplate, JUDGE_PROMPT, scrubSecrets, tallyJudgments, type JudgeProvider } from "@ual/llm";
import { loadTrainedModel } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { mapPool } from "./_map_pool.ts";
import { createAnthropicJudgeProvider } from "./anthropic_judge_provider.ts";
import { answerQuestions } from "./answer_questions.ts";
import { answersJsonl } from "./answers_jsonl.ts";
import { judgeEvents } from "./judge_events.ts";
import { judgeRecord } from "./judge_record.ts";
import { createOpenAIJudgeProvider } from "./openai_judge_provider.ts";
import { answerGenerationOptions, evalJudgeOptions } from "./options.ts";
import { pairAnswers } from "./pair_answers.ts";
import { readAnswers } from "./read_answers.ts";
import { readQuestions } from "./read_questions.ts";

// Each provider's secrets, by their declared names, and the variables they default to.
const SECRETS = {
  openai: { apiKey: "openaiApiKey", baseURL: "openaiBaseURL", env: "OPENAI_API_KEY" },
  anthropic: { apiKey: "anthropicApiKey", baseURL: "anthropicBaseURL", env: "ANTHROPIC_API_KEY" },
} as const;

const percent = (share: number | undefined) => (share === undefined ? "–" : `${(share * 100).toFixed(1)}%`);

/**
 * The `@ual/eval-judge` evaluator: a pairwise LLM judge (OpenAI or Claude) compares model A's
 * answers (`responses`) with model B's (`baseline`) on the questions in `prompts`, in both
 * orders (spec §6.4, §9), and reports model A's win, tie and loss rates per category and overall,
 * the share of questions where the two orders disagreed (position bias) and the replies it could
 * not read. Judgments are cached in `.ual/` (a rerun pays nothing) and written per question to
 * `judge.jsonl` in the run directory.
 *
 * Model A's answers come from `responses:`, else from a `responses` artifact, else the judge
 * writes them itself with the model the run trained (the `model` artifact, options under
 * `generate:`) and saves them as `responses.jsonl` in the run directory before judging, so that a
 * later run can use them as its `baseline:`.
 *
 * @example
 * ```yaml
 * stages:
 *   evaluators:
 *     # after a trainer stage: judge the trained model against another model's answers
 *     - use: "@ual/eval-judge"
 *       with: { provider: openai, model: gpt-4.1, prompts: mt-bench/question.jsonl, baseline: runs/sft-20261127-091500-3f2a/responses.jsonl, labels: { a: UAL, b: SFT }, generate: { maxNewTokens: 512 } }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/eval-judge",
  version: "0.1.0",
  kind: "evaluator",
  apiVersion: 1,
  description: "A pairwise LLM judge (OpenAI or Claude) compares two models' answers (a file, or the trained model's own) in both orders: win/tie/loss, position bias, parse failures (cached).",
  options: evalJudgeOptions,
  // Neither key is required: only the chosen provider's is, and `create` says which one is missing.
  // The base URLs are secrets because plugins see no other environment, and a proxy URL may embed credentials.
  secrets: {
    openaiApiKey: { env: "OPENAI_API_KEY", description: "the OpenAI API key (provider: openai)" },
    openaiBaseURL: { env: "OPENAI_BASE_URL", description: "another endpoint for the OpenAI API (a proxy, a compatible server); default https://api.openai.com/v1" },
    anthropicApiKey: { env: "ANTHROPIC_API_KEY", description: "the Anthropic API key (provider: anthropic)" },
    anthropicBaseURL: { env: "ANTHROPIC_BASE_URL", description: "another endpoint for the Anthropic API (a proxy, a gateway); default https://api.anthropic.com" },
  },
  async create(options, context): Promise<Evaluator> {
    const names = SECRETS[options.provider];
    const apiKeyEnv = context.secretEnv[names.apiKey] ?? names.env;
    const apiKey = context.secrets[names.apiKey];
    // Checked now rather than when judging starts, which may be after hours of training.
    if (!apiKey) {
      throw new Error(`@ual/eval-judge: provider "${options.provider}" needs an API key; set ${apiKeyEnv} (or name another variable in the stage: secrets: { ${names.apiKey}: MY_VARIABLE })`);
    }
    const template = options.promptFile ? await loadJudgeTemplate(context.resolvePath(options.promptFile)) : JUDGE_PROMPT;
    const promptsPath = context.resolvePath(options.prompts);
    const baselinePath = context.resolvePath(options.baseline);
    const questions = (await readQuestions(promptsPath)).slice(0, options.limit);
    const baseline = await readAnswers(baselinePath);
    const ownPath = options.responses !== undefined ? context.resolvePath(options.responses) : undefined;
    const own = ownPath !== undefined ? await readAnswers(ownPath) : undefined;
    // Both files given: a missing answer is reported before the run starts.
    if (own && ownPath) pairAnswers(questions, own, baseline, options.turns, { a: ownPath, b: baselinePath });
    const connection = { apiKey, baseURL: context.secrets[names.baseURL] };
    const provider: JudgeProvider = options.provider === "openai" ? createOpenAIJudgeProvider(options, connection) : createAnthropicJudgeProvider(options, connection);
    const judgeName = `${provider.name}:${provider.model}`;
    const secrets = Object.values(context.secrets);

    /**
     * Model A's answers and where they are: `responses:`, a `responses` artifact, or generated
     * with the trained model and written to the run directory before anything is judged.
     */
    async function modelAnswers(artifacts: Readonly<Record<string, string>>, signal: AbortSignal): Promise<{ answers: ReadonlyMap<string, readonly string[]>; path: string }> {
      if (own && ownPath) return { answers: own, path: ownPath };
      if (artifacts.responses !== undefined) return { answers: await readAnswers(artifacts.responses), path: artifacts.responses };
      const dir = artifacts.model;
      if (dir === undefined) {
        throw new Error(
          `@ual/eval-judge: no answers of model A ("${options.labels.a}") to judge; set responses: <answers.jsonl> in this stage's options, or put a trainer stage before the evaluators (the judge then answers with the trained model), or a stage that produces the "responses" artifact`,
        );
      }
      const generation = options.generate ?? answerGenerationOptions.parse({});
      const backend = await selectBackend(generation.backend);
      const trained = await loadTrainedModel(dir);
      const { contextLength } = trained.model.config;
      let answered: ReturnType<typeof answerQuestions>;
      try {
        context.logger.info(`answering ${questions.length} questions (${options.turns === "all" ? "every turn" : "first turn"}) with ${dir} on ${backend.name}, ${generation.temperature === 0 ? "greedy" : `temperature ${generation.temperature}`}, at most ${generation.maxNewTokens} new tokens`);
        answered = answerQuestions(trained, questions, {
          turns: options.turns,
          maxNewTokens: generation.maxNewTokens,
          temperature: generation.temperature,
          ...(generation.topK !== undefined ? { topK: generation.topK } : {}),
          ...(generation.topP !== undefined ? { topP: generation.topP } : {}),
          seed: generation.seed ?? context.seed,
          stop: generation.stop,
          batchSize: generation.batchSize,
          signal,
        });
      } finally {
        trained.model.dispose();
      }
      if (answered.promptsCut > 0) context.logger.warn(`${answered.promptsCut} prompts were longer than the model's context (${contextLength} tokens) and kept only their last ${contextLength - 1} tokens`);
      // Written before judging, and whole or not at all: a run that fails while judging still
      // leaves answers another run can judge against (baseline:) or judge again (responses:).
      const path = join(context.runDir, generation.output);
      await writeFileAtomic(path, answersJsonl(questions, answered.answers));
      context.logger.info(`wrote ${options.labels.a}'s answers to ${questions.length} questions to ${path}; another run can judge against them with baseline: ${path}`);
      return { answers: answered.answers, path };
    }

    return {
      info: () => ({ judge: judgeName, promptVersion: template.version, questions: questions.length, turns: options.turns, a: options.labels.a, b: options.labels.b }),
      async *evaluate({ artifacts }, { signal }) {
        const model = await modelAnswers(artifacts, signal);
        const pairs = pairAnswers(questions, model.answers, baseline, options.turns, { a: model.path, b: baselinePath });
        const judge = await judgeFromOptions(options, context, provider, { apiKeyEnv, apiKeySecret: names.apiKey, template });
        try {
          const judgments = await mapPool(pairs, options.concurrency, (p) => judge.compare(p.pair, { signal }));
          const results = pairs.map((p, i) => ({ question: p.question, judgment: judgments[i] as (typeof judgments)[number] }));
          const lines = results.map((r) => scrubSecrets(JSON.stringify(judgeRecord(r.question, r.judgment)), secrets));
          await writeFileAtomic(join(context.runDir, options.output), `${lines.join("\n")}\n`);
          const tally = tallyJudgments(judgments);
          context.logger.info(
            `${options.labels.a} vs ${options.labels.b}, judged by ${judgeName} in both orders on ${tally.questions} questions: win ${percent(tally.rates?.win)}, tie ${percent(tally.rates?.tie)}, loss ${percent(tally.rates?.loss)}; ${tally.inconsistent} inconsistent (counted as ties), ${tally.parseFailures} unreadable replies, ${tally.unjudged} questions left out`,
          );
          if (tally.judged === 0) context.logger.warn(`${judgeName} gave no usable verdict in both orders for any question; see ${options.output} for the reasons`);
          yield* judgeEvents(results, { labels: options.labels, judge: judgeName, promptVersion: template.version });
        } finally {
          await judge.close();
        }
      },
    };
  },
});
