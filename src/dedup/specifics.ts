/**
 * "Specifics" are the parts of a task title that make two otherwise identical tasks different
 * work: a version ("upgrade lodash to 4.13.2"), a host ("disk usage on db.example.com"), a date
 * ("rotate keys on 2025-03-01") or a number ("alert when disk usage is above 90%").
 * Word similarity cannot see them (a version is one rare token among many), so they are compared
 * separately and a conflict vetoes a match.
 */
export type SpecificKind = "version" | "host" | "date" | "number";
export type Specifics = ReadonlyMap<SpecificKind, ReadonlySet<string>>;

const MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec";
const PATTERNS: ReadonlyArray<[SpecificKind, RegExp]> = [
  // ISO dates, d/m/y style dates, and "March 3"/"3 March" style dates.
  ["date", /\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/g],
  [
    "date",
    new RegExp(
      `\\b(?:${MONTHS})[a-z]*\\.? \\d{1,2}(?:st|nd|rd|th)?\\b|\\b\\d{1,2}(?:st|nd|rd|th)? (?:${MONTHS})[a-z]*\\b`,
      "g",
    ),
  ],
  // IPv4 addresses and dotted host names with a letter-only last label (api.example.com).
  ["host", /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b|\b(?:[a-z0-9-]+\.)+[a-z]{2,}(?::\d+)?\b/g],
  // Dotted versions with an optional v prefix and suffix (v1.2, 4.13.2, 3.0.0-M7).
  ["version", /\bv?\d+(?:\.\d+)+(?:[-+][0-9a-z.]+)?\b|\bv\d+\b/g],
];
const NUMBER = /\b\d+(?:[.,]\d+)?(?:%|[a-z]{1,3}\b)?/g;
// Host-looking tokens that are really code (file names, Java packages) are not hosts.
const NOT_A_HOST =
  /\.(?:java|js|ts|py|xml|json|yaml|yml|md|txt|html|sh|jar|class|log|conf|properties|cfg|ini|so|dll|exe)$|^(?:org|com|java|javax|net)\.[a-z0-9]+\.[a-z0-9.]*[a-z]$/;

/** Extracts the specifics of a title. Each match is removed before the next kind is looked for. */
export function extractSpecifics(title: string): Specifics {
  let rest = title.toLowerCase();
  const found = new Map<SpecificKind, Set<string>>();
  const add = (kind: SpecificKind, value: string): void => {
    const values = found.get(kind) ?? new Set<string>();
    values.add(value);
    found.set(kind, values);
  };
  for (const [kind, pattern] of PATTERNS) {
    rest = rest.replace(pattern, (match) => {
      if (kind === "host" && NOT_A_HOST.test(match)) return match;
      add(kind, match.replace(/^v(?=\d)/, ""));
      return " ";
    });
  }
  for (const match of rest.matchAll(NUMBER)) add("number", match[0]);
  return found;
}

/**
 * True when both titles name a specific of the same kind and those specifics differ: the tasks are
 * about different versions, hosts, dates or numbers. A title that names none is not in conflict
 * ("upgrade lodash" may well duplicate "upgrade lodash to 4.13.2").
 */
export function specificsConflict(a: Specifics, b: Specifics): boolean {
  for (const [kind, valuesA] of a) {
    const valuesB = b.get(kind);
    if (!valuesB) continue;
    if (valuesA.size !== valuesB.size) return true;
    for (const value of valuesA) if (!valuesB.has(value)) return true;
  }
  return false;
}
