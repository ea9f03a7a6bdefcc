import { stemmer } from "stemmer";
import { ENGLISH_STOP_WORDS } from "./stop-words.js";
import { CANONICAL_WORDS } from "./synonyms.js";
import {
  ACTION_OF,
  FINITE_SYMPTOM,
  FRAME_SYNONYMS,
  MONTHS,
  PERIOD_WORDS,
  WEEKDAYS,
  SYMPTOM,
  TARGET_WORDS,
  VAGUE_WORDS,
} from "./task-words.js";
import { fullText, type DedupText } from "./text.js";

/**
 * What a task asks for, as far as words tell: its actions (verb classes: "fix", "review",
 * "deploy"…), the named things it is about (services, regions, customers: capitalised words,
 * identifiers, environments, platforms, languages), its periods (months, quarters, weeks, sprints,
 * years, weekdays, dates) and whether it reads as a step of a larger task ("… for the migration",
 * "as part of …"). Two tasks that name different actions, targets or periods are different work
 * however many words they share. Pure.
 */
export interface TaskFrame {
  /** Classes of the verbs that lead the title or one of its clauses. */
  actions: ReadonlySet<string>;
  /** The words that gave `actions` (stemmed). */
  verbs: ReadonlySet<string>;
  /** Classes of every verb-like word of the title ("ship a hotfix": deploy and fix). */
  mentions: ReadonlySet<string>;
  targets: ReadonlySet<string>;
  periods: ReadonlySet<string>;
  subStep: boolean;
  /** The title states a symptom and asks for no action: a report of a problem, not a task line. */
  report: boolean;
  /** Content words (stemmed, canonical); for a title of fewer than two, stop words are kept. */
  words: ReadonlySet<string>;
  /** The title's content words in order (for abbreviations). */
  sequence: readonly string[];
}

export interface FrameComparison {
  /** Both name an action and no action is shared (deploy vs roll back). */
  actionConflict: boolean;
  /** Each names a target the other does not (eu-west-1 vs us-east-1, Salesforce vs Zoom). */
  targetConflict: boolean;
  /** Titles otherwise alike, each with one or two words of its own about what it is (orders vs refunds table). */
  substitution: boolean;
  /** Both name a period of the same kind and they differ (March vs April). */
  periodConflict: boolean;
  /** One reads as a step of a larger task and the other does not. */
  subStepAsymmetry: boolean;
  /** Distinct content words in common. */
  shared: number;
  /** Shared words over the words of the shorter task (1: one says everything the other says). */
  coverage: number;
}

const SUB_STEP =
  /\b(?:as part of|part of the|for the [\w\s-]*?(?:migration|move|rewrite|onboarding|close|launch|hardening|investigation|fine-tune)|during the|before the move|step \d|phase \d)\b/i;

/** The frame of a task: title and body (the title leads; the body adds targets and periods). */
export function taskFrame(text: DedupText): TaskFrame {
  const title = text.content;
  const all = fullText(text);
  const sequence = [...orderedWords(title)];
  const { actions, verbs } = actionsOf(title);
  return {
    actions,
    verbs,
    mentions: new Set(
      sequence.flatMap((word) => {
        const action = ACTION_OF.get(word);
        return action ? [action] : [];
      }),
    ),
    targets: targetsOf(title),
    periods: periodsOf(title),
    subStep: SUB_STEP.test(title),
    report: actions.size === 0 && SYMPTOM.test(title),
    words: contentWords(all),
    sequence,
  };
}

export function compareFrames(a: TaskFrame, b: TaskFrame): FrameComparison {
  const shared = intersect(a.words, b.words);
  return {
    actionConflict:
      a.actions.size > 0 &&
      b.actions.size > 0 &&
      intersect(a.actions, b.mentions) === 0 &&
      intersect(b.actions, a.mentions) === 0,
    targetConflict: hasOwn(a.targets, b.targets) && hasOwn(b.targets, a.targets),
    substitution: substituted(a, b),
    periodConflict: periodsConflict(a.periods, b.periods),
    subStepAsymmetry: a.subStep !== b.subStep,
    shared,
    coverage: shared / Math.max(1, Math.min(a.words.size, b.words.size)),
  };
}

const intersect = (a: ReadonlySet<string>, b: ReadonlySet<string>): number => {
  let n = 0;
  for (const value of a) if (b.has(value)) n++;
  return n;
};
const hasOwn = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => {
  for (const value of a) if (!b.has(value)) return true;
  return false;
};

/**
 * What each says that the other does not, leaving out verbs, periods and words about state or
 * time: one or two words on each side, the rest alike ("the orders table" vs "the refunds table").
 * A lone word against a run of words starting with its letter is an abbreviation (CLI, command line).
 */
function substituted(a: TaskFrame, b: TaskFrame): boolean {
  const topical = (word: string): boolean =>
    !a.verbs.has(word) && !b.verbs.has(word) && !VAGUE_STEMS.has(word) && !PERIOD_WORDS.has(word);
  const titleA = new Set(a.sequence);
  const titleB = new Set(b.sequence);
  // Two forms of one word ("expiry", "expires"), or a word and its truncation ("cert",
  // "certificate"), are not two targets.
  const alike = (x: string, y: string): boolean =>
    x === y ||
    (x.length >= 5 && y.length >= 5 && x.slice(0, 5) === y.slice(0, 5)) ||
    (Math.min(x.length, y.length) >= 4 && (x.startsWith(y) || y.startsWith(x)));
  const own = (x: Set<string>, y: Set<string>): string[] =>
    [...x].filter((word) => topical(word) && ![...y].some((other) => alike(word, other)));
  const onlyA = own(titleA, titleB);
  const onlyB = own(titleB, titleA);
  if (onlyA.length === 0 || onlyB.length === 0 || onlyA.length > 2 || onlyB.length > 2)
    return false;
  if (intersect(titleA, titleB) < 2) return false;
  const abbreviation = (one: string[], run: string[]): boolean =>
    one.length === 1 && run.length >= 2 && run[0]![0] === one[0]![0];
  return !abbreviation(onlyA, onlyB) && !abbreviation(onlyB, onlyA);
}

const VAGUE_STEMS: ReadonlySet<string> = new Set(
  [...VAGUE_WORDS].flatMap((word) => [word, stemmer(word)]),
);

/** Periods are `kind:value`; a conflict is the same kind with other values (month:march vs month:april). */
function periodsConflict(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const kinds = (set: ReadonlySet<string>): Map<string, Set<string>> => {
    const out = new Map<string, Set<string>>();
    for (const period of set) {
      const [kind, value] = period.split(":") as [string, string];
      out.set(kind, (out.get(kind) ?? new Set()).add(value));
    }
    return out;
  };
  const ka = kinds(a);
  const kb = kinds(b);
  for (const [kind, values] of ka) {
    const other = kb.get(kind);
    if (other && (hasOwn(values, other) || hasOwn(other, values))) return true;
  }
  return false;
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;
const canonical = (word: string): string => {
  const frame = FRAME_SYNONYMS.get(word) ?? word;
  return stemmer(CANONICAL_WORDS.get(frame) ?? frame);
};

/** Stemmed content words in order; a text left with fewer than two keeps its stop words ("No project"). */
function orderedWords(text: string): string[] {
  const tokens = (text.toLowerCase().match(WORD) ?? []).flatMap((token) =>
    FRAME_SYNONYMS.has(token) || CANONICAL_WORDS.has(token)
      ? [token]
      : token.split(/[-_'’]/).filter(Boolean),
  );
  const content = tokens.filter((token) => token.length > 1 && !ENGLISH_STOP_WORDS.has(token));
  const kept = content.length >= 2 ? content : tokens;
  return kept.map(canonical);
}

/** Stemmed content words; a text left with fewer than two keeps its stop words ("No project"). */
export function contentWords(text: string): Set<string> {
  return new Set(orderedWords(text));
}

// Leading labels of alerts and tools ("[ALERT]", "Sentry:", "GuardDuty finding …") hold no action.
const LABEL = /^(?:\[[^\]]*\]\s*|[\w .-]{1,24}:\s+)/;

/** Action classes of the verbs that lead the title or a clause ("…, clean it up", "and roll back"). */
function actionsOf(title: string): { actions: Set<string>; verbs: Set<string> } {
  const actions = new Set<string>();
  const verbs = new Set<string>();
  const clauses = title
    .replace(LABEL, "")
    .toLowerCase()
    .replace(/\bset up\b/g, "setup")
    .replace(/\b(?:roll|rolled|rolling) back\b/g, "rollback")
    .replace(/\b(?:roll|rolled|rolling) out\b/g, "rollout")
    .split(/[,;:()]|\band\b|\bthen\b|\bto\b/);
  const add = (word: string): boolean => {
    const stem = stemmer(word);
    const action = ACTION_OF.get(word) ?? ACTION_OF.get(stem);
    if (action) {
      actions.add(action);
      verbs.add(stem);
    }
    return action !== undefined;
  };
  for (const clause of clauses) {
    // "Triage agent crashes…": a clause that states a symptom opens with its subject, not a verb.
    if (FINITE_SYMPTOM.test(clause)) continue;
    const words = clause.match(WORD) ?? [];
    // The clause's first words ("please restart", "shadow-deploy"), or a verb after "must be".
    for (const word of words.slice(0, 2).flatMap((w) => w.split("-"))) if (add(word)) break;
    const passive = /\b(?:must|should|needs? to|to) be (\w+)/.exec(clause);
    if (passive) add(passive[1]!);
  }
  return { actions, verbs };
}

// Code-like names: with a digit, a dash or an underscore inside (eu-west-1, fraud-v7, INV-3310).
const IDENTIFIER =
  /^(?=.*\p{L})(?:(?=.*\d)[\p{L}\p{N}]+(?:[-_./#][\p{L}\p{N}]+)*|[\p{L}\p{N}-]+(?:[_./#@][\p{L}\p{N}-]+)+)$/u;

/** Named things: identifiers, capitalised words inside a sentence, and known kinds of target. */
function targetsOf(text: string): Set<string> {
  const out = new Set<string>();
  for (const sentence of text.split(/(?<=[.!?:])\s+|\n+|\s[-–]\s/)) {
    const tokens =
      sentence.replace(LABEL, "").match(/[#*]?[\p{L}\p{N}][\p{L}\p{N}'’_./@#-]*/gu) ?? [];
    tokens.forEach((raw, index) => {
      const token = raw.replace(/[.'’]+$/, "");
      const lower = token.toLowerCase();
      if (isPeriodWord(lower)) return;
      const synonym = FRAME_SYNONYMS.get(lower) ?? CANONICAL_WORDS.get(lower);
      const named = IDENTIFIER.test(token) && !/^\d/.test(token);
      const capital = index > 0 && /^\p{Lu}/u.test(token) && !ENGLISH_STOP_WORDS.has(lower);
      if (TARGET_WORDS.has(lower)) out.add(canonical(lower));
      else if (named || capital)
        out.add(
          synonym ? canonical(synonym) : named ? lower.replace(/[-_]/g, "") : canonical(lower),
        );
    });
  }
  return out;
}

const isPeriodWord = (word: string): boolean =>
  PERIOD_WORDS.has(word) || /^(?:q[1-4]|fy\d{2,4}|h[12])$/.test(word);

/** Periods as `kind:value`: month, quarter, half, week, sprint, issue, year, weekday, date. */
function periodsOf(text: string): Set<string> {
  const out = new Set<string>();
  const lower = text.toLowerCase();
  for (const month of MONTHS)
    if (new RegExp(`\\b${month}\\b`).test(lower)) out.add(`month:${month}`);
  for (const day of WEEKDAYS) if (new RegExp(`\\b${day}\\b`).test(lower)) out.add(`weekday:${day}`);
  for (const match of lower.matchAll(/\b(q[1-4]|h[12])\b/g)) out.add(`quarter:${match[1]}`);
  for (const match of lower.matchAll(
    /\b(week|sprint|issue|release train|iteration|cycle)\s*#?(\d+)\b/g,
  ))
    out.add(`${match[1]}:${match[2]}`);
  for (const match of lower.matchAll(/\b(first|second|third|fourth|last) (half|quarter|week)\b/g))
    out.add(`part:${match[1]} ${match[2]}`);
  for (const match of lower.matchAll(/\b(?:fy)?((?:19|20)\d{2})\b(?!-\d)/g))
    out.add(`year:${match[1]}`);
  for (const match of lower.matchAll(/\b(\d{4}-\d{2}-\d{2})\b/g)) out.add(`date:${match[1]}`);
  return out;
}
