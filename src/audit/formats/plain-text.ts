/**
 * Characters that a terminal, a spreadsheet or a reader's eye would not show as themselves:
 * C0 controls (ESC starts an ANSI sequence, CR rewrites a line), DEL, C1 controls (0x9B is
 * a one-byte CSI on some terminals), and the invisible and bidirectional marks that make
 * text read other than it is ("Trojan source").
 */
const INVISIBLE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;

function escapeOf(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Server text as plain, visible text: every invisible or control character becomes a
 * visible escape (`\x1b`, `\u202e`), so a token name cannot move the cursor, recolour the
 * terminal or reorder what is shown; `max` cuts long text with an ellipsis.
 *
 * @example
 * plainText("\u001b[31mred"); // "\\x1b[31mred"
 */
export function plainText(text: string, max?: number): string {
  const visible = text.replace(INVISIBLE, escapeOf);
  if (max === undefined || visible.length <= max) return visible;
  return `${visible.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * JSON whose strings carry no raw invisible character (JSON.stringify leaves DEL, C1 and
 * bidi marks raw) and no `<`, `>` or `&` (so it is inert pasted into HTML): still the
 * same value for any JSON parser.
 *
 * @example
 * safeJson({ name: "<b>\u202e" }); // '{"name":"\\u003cb\\u003e\\u202e"}'
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[<>&\u007f-\u009f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
