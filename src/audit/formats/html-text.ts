import { plainText } from "./plain-text.ts";

/**
 * Server text for HTML: plain text first, then `& < > " '` as entities, so no name can
 * open a tag, end an attribute or start a script, in an element or an attribute alike.
 *
 * @example
 * `<td>${htmlText(token.name)}</td>`
 */
export function htmlText(text: string, max?: number): string {
  return plainText(text, max).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
