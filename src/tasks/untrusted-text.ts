/**
 * Text from agents is shown on github.com, where some characters have effects: `@name` notifies a
 * person, `#12` / `owner/repo#12` links (and with a closing keyword, closes) other issues, and an
 * HTML comment could forge Baton's metadata block. `render` defuses all three with invisible
 * changes; `unrender` undoes them for text a person edited on github.com. Pure.
 */
const ZWSP = "\u200b";

export function render(text: string): string {
  return text
    .replace(/<!--/g, "&lt;!--")
    .replace(/(^|[^\p{L}\p{N}_`])@(?=[\p{L}\p{N}])/gu, `$1@${ZWSP}`)
    .replace(/(^|[^&])#(?=\d)/gu, `$1#${ZWSP}`)
    .replace(/\b(GH)-(?=\d)/g, `$1-${ZWSP}`);
}

export function unrender(text: string): string {
  return text.replace(/&lt;!--/g, "<!--").replace(new RegExp(`([@#]|GH-)${ZWSP}`, "g"), "$1");
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
