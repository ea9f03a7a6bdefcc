import { stemmer } from "stemmer";
import { ENGLISH_STOP_WORDS } from "./stop-words.js";
import { CANONICAL_WORDS } from "./synonyms.js";
import { fullText, normalise, sklearnTokens, type DedupText } from "./text.js";

/**
 * The calibrated thresholds come from long bug reports, where a low cosine already means a lot.
 * Agents' tasks are often a short title: there one shared word ("page") or one shared host name
 * can pass the threshold. So a match must share two distinct words (a host, path or version
 * counts as one word), or be an exact match: one shared word never makes a duplicate, whatever
 * the score ("No project" vs "In project" scores 0.94 once stop words are gone, so a title left
 * with fewer than two words keeps its stop words here). And a shared number alone is never
 * evidence: "Latency sample 11" is not "Direct 11". Pure.
 */
export function enoughEvidence(query: DedupText, candidate: DedupText): boolean {
  const a = fullText(query);
  const b = fullText(candidate);
  if (normalise(a) === normalise(b)) return true;
  const words = evidenceWords(a);
  let shared = 0;
  let sharedWord = false;
  for (const word of evidenceWords(b)) {
    if (!words.has(word)) continue;
    shared++;
    sharedWord ||= !NUMBER.test(word);
  }
  return sharedWord && shared >= 2;
}

// Issue numbers, counts and bare versions: 11, 404, v2, 4.13.2.
const NUMBER = /^v?\d[\d.]*$/;

function evidenceWords(text: string): Set<string> {
  const words = wordsOf(text, true);
  return words.size >= 2 ? words : wordsOf(text, false);
}

function wordsOf(text: string, dropStopWords: boolean): Set<string> {
  const words = new Set<string>();
  for (const raw of text.toLowerCase().split(/\s+/)) {
    const chunk = raw.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
    // A host, path or version (api.example.com, /var/log, 1.25.3) is one word, not three.
    if (/^[\p{L}\p{N}_-]+(?:[./:][\p{L}\p{N}_-]+)+$/u.test(chunk)) {
      words.add(chunk);
      continue;
    }
    for (const word of sklearnTokens(chunk)) {
      if (word.length < 2 || (dropStopWords && ENGLISH_STOP_WORDS.has(word))) continue;
      // A word counts in any of its forms: "fails" and "failing", "db" and "database".
      words.add(stemmer(CANONICAL_WORDS.get(word) ?? word));
    }
  }
  return words;
}
