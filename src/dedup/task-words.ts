import { stemmer } from "stemmer";

/**
 * Verb classes of engineering and operations tasks. Verbs in one class ask for the same work
 * ("bounce" and "restart"); verbs in different classes do not ("review" and "apply", "deploy" and
 * "roll back"). Hand-written for Baton; generic verbs (do, make, run, check, handle, complete)
 * belong to no class, so they never make a conflict.
 */
const ACTION_CLASSES: Record<string, readonly string[]> = {
  fix: ["fix", "repair", "resolve", "correct", "solve", "hotfix", "patch", "mend", "unbreak"],
  investigate: [
    "investigate",
    "debug",
    "troubleshoot",
    "diagnose",
    "analyse",
    "analyze",
    "research",
    "explore",
    "profile",
  ],
  triage: ["triage", "prioritise", "prioritize", "sort"],
  reproduce: ["reproduce", "repro"],
  test: ["test", "verify", "validate", "qa", "evaluate", "benchmark", "measure", "check"],
  review: ["review", "audit", "proofread", "inspect", "assess"],
  approve: ["approve", "authorise", "authorize", "sign"],
  write: [
    "write",
    "draft",
    "document",
    "outline",
    "summarise",
    "summarize",
    "author",
    "compose",
    "describe",
  ],
  publish: ["publish", "push", "post", "announce", "present"],
  deploy: ["deploy", "ship", "release", "launch", "rollout", "promote", "apply"],
  rollback: ["rollback", "revert", "undo", "downgrade"],
  build: [
    "build",
    "implement",
    "create",
    "add",
    "develop",
    "introduce",
    "setup",
    "set",
    "install",
    "provision",
    "configure",
    "extract",
  ],
  design: ["design", "architect", "sketch", "mock", "prototype", "spec", "plan", "map"],
  refactor: ["refactor", "restructure", "rewrite", "simplify"],
  remove: [
    "remove",
    "delete",
    "drop",
    "clean",
    "cleanup",
    "purge",
    "deduplicate",
    "dedupe",
    "uninstall",
    "decommission",
    "retire",
  ],
  close: ["close", "dismiss", "archive", "cancel", "stop", "halt", "end"],
  disable: ["disable", "deactivate", "pause", "freeze", "suspend", "block", "lock"],
  enable: [
    "enable",
    "activate",
    "resume",
    "unfreeze",
    "unblock",
    "unpause",
    "unlock",
    "enforce",
    "require",
  ],
  upgrade: ["upgrade", "update", "bump", "change", "modify"],
  migrate: ["migrate", "move", "port", "convert", "transfer", "switch"],
  restart: ["restart", "bounce", "reboot", "recycle", "reload", "kick"],
  scale: [
    "scale",
    "resize",
    "increase",
    "decrease",
    "reduce",
    "raise",
    "lower",
    "grow",
    "shrink",
    "speed",
    "optimise",
    "optimize",
  ],
  rotate: ["rotate", "renew", "regenerate", "refresh", "rebuild"],
  revoke: ["revoke", "invalidate", "expire"],
  pay: ["pay", "settle", "remit"],
  reconcile: ["reconcile", "match"],
  refund: ["refund", "reimburse", "credit"],
  reply: ["reply", "respond", "answer", "follow", "chase", "remind"],
  escalate: ["escalate"],
  tag: ["tag", "label", "annotate", "categorise", "categorize"],
  merge: ["merge", "combine", "consolidate"],
  translate: ["translate", "localise", "localize"],
  record: ["record", "film"],
  schedule: ["schedule", "book", "reserve"],
  prepare: ["prepare", "organise", "organize"],
  collect: ["collect", "gather", "pull", "export", "fetch", "compile", "interview"],
  load: ["backfill", "load", "ingest", "import", "replay", "sync"],
  train: ["train", "retrain", "fine", "finetune", "tune"],
  send: ["send", "email", "mail", "notify", "share", "forward"],
  file: ["file", "submit", "issue"],
  onboard: ["onboard", "invite"],
  offboard: ["offboard"],
  cut: ["cut", "branch", "fork"],
  monitor: ["monitor", "watch", "alert"],
  scan: ["scan"],
};

/** A verb (or its stem) → its class. */
export const ACTION_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(ACTION_CLASSES).flatMap(([action, verbs]) =>
    verbs.flatMap((verb) => [[verb, action] as const, [stemmer(verb), action] as const]),
  ),
);

export const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
] as const;
export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;

/** Words that name a period's value: a task for May is not the task for June. */
export const PERIOD_WORDS: ReadonlySet<string> = new Set<string>([...MONTHS, ...WEEKDAYS]);

/**
 * Kinds of target written in lower case that still name one thing among several: environments,
 * platforms, browsers, languages, regions, tiers. Two tasks that name different ones are aimed at
 * different targets.
 */
export const TARGET_WORDS: ReadonlySet<string> = new Set([
  "staging",
  "production",
  "prod",
  "stg",
  "development",
  "dev",
  "sandbox",
  "preview",
  "qa",
  "ios",
  "android",
  "mobile",
  "desktop",
  "web",
  "windows",
  "macos",
  "linux",
  "safari",
  "firefox",
  "chrome",
  "edge",
  "german",
  "french",
  "spanish",
  "japanese",
  "italian",
  "portuguese",
  "brazilian",
  "dutch",
  "chinese",
  "korean",
  "emea",
  "apac",
  "latam",
  "eu",
  "us",
  "uk",
  "cli",
  "sdk",
  "api",
]);

/** Frame-only spellings of one thing (the lexical model keeps its own calibrated list). */
export const FRAME_SYNONYMS: ReadonlyMap<string, string> = new Map([
  ["a11y", "accessibility"],
  ["i18n", "internationalization"],
  ["l10n", "localization"],
  ["2fa", "mfa"],
  ["two-factor", "mfa"],
  ["multi-factor", "mfa"],
  ["org", "organization"],
  ["orgs", "organization"],
  ["typos", "typo"],
  ["spelling", "typo"],
  ["ab", "a/b"],
]);

/**
 * Words that describe a task's state or time rather than what it is about ("failing since last
 * night"): a paraphrase changes them freely, so they never make two tasks' targets differ.
 */
export const VAGUE_WORDS: ReadonlySet<string> = new Set([
  "fail",
  "failing",
  "fails",
  "failed",
  "broken",
  "break",
  "stuck",
  "slow",
  "missing",
  "miss",
  "drop",
  "dropped",
  "fell",
  "fall",
  "spike",
  "spikes",
  "latest",
  "last",
  "new",
  "old",
  "current",
  "yesterday",
  "today",
  "tonight",
  "night",
  "overnight",
  "evening",
  "morning",
  "since",
  "again",
  "still",
  "repeated",
  "firing",
  "please",
  "asap",
  "urgent",
  "issue",
  "issues",
  "problem",
  "bug",
  "error",
  "task",
  "work",
  "does",
  "did",
  "mistake",
  "mistakes",
  "run",
  "running",
  "reported",
  "report",
  "produces",
  "has",
  "have",
  "appear",
  "appears",
  "shows",
  "show",
  "get",
  "make",
  "keep",
  "need",
  "needs",
  "ask",
  "asks",
  "find",
  "finding",
  "detected",
  "lot",
  "too",
  "every",
  "all",
]);

/**
 * A title that states a symptom ("Checkout page crashes on Safari", "right click in mail does not
 * work", "ITestFoo failing") reads as a report of a problem, not as a request for some work.
 */
export const SYMPTOM =
  /\b(?:fail(?:s|ed|ing|ures?)?|crash(?:es|ed|ing)?|broken|hangs?|hanging|leaks?|leaking|regression|flaky|errors?|exceptions?|timeouts?|times? out|timing out|wrong|incorrect|missing|unable|cannot|can't|(?:does|do|did|is|are|was|were|has|have|can|could|will|would)(?:\s+not|n't)|won't|no longer|not (?:working|loading|arriving|showing|updating))\b/i;

/**
 * The same with a finite verb ("crashes", "is failing", "does not work"): then the title's first
 * word is its subject, whatever it looks like ("Triage agent crashes…" asks for no triage). A
 * participle after an article is an adjective ("Retry the failed payments").
 */
export const FINITE_SYMPTOM =
  /\b(?:fails|crashes|hangs|breaks|leaks|times out|timed out|throws|(?<!\b(?:the|a|an|all|any|each|every|these|those|of)\s+)(?:failed|crashed)|(?:is|are|was|were|keeps?|has been|have been) (?:failing|crashing|broken|down|missing|stuck|hanging|leaking|not)|(?:does|do|did|can|could|will|would)(?:\s+not|n't)|can't|cannot|won't|unable|no longer)\b/i;
