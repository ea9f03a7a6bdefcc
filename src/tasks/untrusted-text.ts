/**
 * Text from agents is shown on github.com, where some characters have effects: `@name` notifies a
 * person, `#12` / `owner/repo#12` / a full issue or pull request URL links (and with a closing
 * keyword, closes) other issues, and an HTML comment could forge Baton's metadata block. GitHub
 * decodes HTML entities before it looks for mentions and references, so `&#64;name` is a mention
 * too, and it treats any non-ASCII letter before `@` as a word boundary (`café@name` notifies).
 * `render` defuses all of them with invisible changes (a zero-width space); `unrender` undoes them
 * for text a person edited on github.com. The exact text an agent sent is kept apart (the issue's
 * metadata), so the API returns it unchanged. Pure.
 */
const ZWSP = "\u200b";

/** `&` starting a named or numeric character reference: `&#64;`, `&#x40;`, `&commat;`. */
const ENTITY = /&(?=#\d|#x[0-9a-f]|[a-z][a-z0-9]*;)/giu;
/** `@` after anything but an ASCII word character or a backtick (an e-mail address stays). */
const MENTION = /(^|[^A-Za-z0-9_`])@(?=[\p{L}\p{N}])/gu;
/** `/issues/12`, `/pull/12`, `/pulls/12`, `/discussions/12` in a URL. */
const URL_REFERENCE = /(\/(?:issues|pulls?|discussions))\/(?=\d)/giu;

export function render(text: string): string {
  return text
    .replace(ENTITY, `&${ZWSP}`)
    .replace(/<!--/g, "&lt;!--")
    .replace(MENTION, `$1@${ZWSP}`)
    .replace(/(^|[^&])#(?=\d)/gu, `$1#${ZWSP}`)
    .replace(/\b(GH)-(?=\d)/g, `$1-${ZWSP}`)
    .replace(URL_REFERENCE, `$1${ZWSP}/`);
}

export function unrender(text: string): string {
  return text
    .replace(/&lt;!--/g, "<!--")
    .replace(new RegExp(`([@#&]|GH-)${ZWSP}`, "g"), "$1")
    .replace(new RegExp(`(/(?:issues|pulls?|discussions))${ZWSP}/`, "giu"), "$1/");
}

/**
 * Serialises JSON so it can sit inside an HTML comment: `<`, `>` and `&` never appear raw (the
 * comment cannot be closed or forged), nor do `@` and `#` (no mention or reference, even hidden).
 */
export function jsonForComment(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&@#]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
