import type { ApiResponse } from "../../test/support/stack.js";

/** What each demo chapter gets: the running stack, the agents' keys and printing helpers. */
export interface DemoContext {
  /** The GitHub double's base URL (its `/_double/*` control endpoints are there too). */
  doubleUrl: string;
  batonUrl: string;
  keys: Record<"admin" | "monitor" | "infra" | "infra2" | "dns", string>;
  api(
    key: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  /** Like `api`, but fails the demo on a non-2xx answer. */
  call(
    key: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  step(title: string): void;
  say(text: string): void;
  /** Prints the issue as a person sees it on github.com: title, state, labels, body, comments. */
  showIssue(number: number): Promise<void>;
}

export type DemoChapter = (ctx: DemoContext) => Promise<void>;
