import { openAIClient } from "../openai-client.js";
import { z } from "zod";
import { fullText } from "../text.js";
import type { DedupJudge, Verdict } from "./judge.js";

export interface OpenAIJudgeOptions {
  /** Any OpenAI-compatible chat server. */
  baseUrl?: string;
  apiKey?: string;
  model: string;
  /** A create must not hang on a slow judge: past this, the check decides without it. */
  timeoutMs?: number;
}

// Each task is cut to what a person would read before deciding (and what keeps a prompt small).
const MAX_CHARS = 1500;

const SYSTEM = `You compare two tasks from a team's task queue. Answer with one word:
"same" if doing one task would complete the other (the same work, however it is worded),
"different" if they ask for different work (another target, action, period, or one is a step of the other),
"unsure" if you cannot tell.`;

// The first word of the answer, whatever the model wraps around it ("Same.", "**different**").
const VerdictSchema = z
  .string()
  .transform((text) => /[a-z]+/.exec(text.toLowerCase())?.[0] ?? "")
  .pipe(z.enum(["same", "different", "unsure"]));

/** A judge through an OpenAI-compatible chat completions endpoint (`openai` package), no retries. */
export function createOpenAIJudge(options: OpenAIJudgeOptions): DedupJudge {
  const client = openAIClient(options);
  return {
    async judge(created, open): Promise<Verdict> {
      const response = await client.chat.completions.create({
        model: options.model,
        temperature: 0,
        max_tokens: 5,
        messages: [
          { role: "system", content: SYSTEM },
          {
            role: "user",
            content: `Open task:\n${fullText(open).slice(0, MAX_CHARS)}\n\nNew task:\n${fullText(created).slice(0, MAX_CHARS)}`,
          },
        ],
      });
      const answer = response.choices[0]?.message.content ?? "";
      const verdict = VerdictSchema.safeParse(answer);
      if (!verdict.success) throw new Error(`the judge answered "${answer.slice(0, 40)}"`);
      return verdict.data;
    },
  };
}
