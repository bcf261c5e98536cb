import type { ExpiryTimeline } from "../types.ts";

const WIDTH = 900;
const HEIGHT = 220;
const LEFT = 60;
const RIGHT = 70;
const TOP = 24;
const BOTTOM = 40;
const WEEK_MS = 7 * 86_400_000;

function colour(weekIndex: number, nowIndex: number): string {
  if (weekIndex < nowIndex) return "#8a8f98"; // already expired
  if (weekIndex <= nowIndex + 1) return "#c62828"; // within about a week
  if (weekIndex <= nowIndex + 4) return "#ef6c00"; // within about 30 days
  return "#1565c0";
}

/**
 * The expiry timeline as inline SVG: a bar per week (grey already expired, red within a
 * week, orange within 30 days, blue later), a line at the audit's `now`, and the tokens
 * outside the window and those that never expire as labelled counts. No fonts, images or
 * scripts from anywhere: the report stays one file.
 *
 * @example
 * const svg = timelineSvg(summary.timeline);
 */
export function timelineSvg(timeline: ExpiryTimeline): string {
  const weeks = timeline.weeks.length;
  const nowIndex = 4;
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / weeks;
  const max = Math.max(1, ...timeline.weeks);
  const from = Date.parse(timeline.from);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" id="timeline" role="img" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" aria-label="Tokens expiring per week">`,
    `<title>Tokens expiring per week</title>`,
    `<line x1="${LEFT}" y1="${TOP + plotH}" x2="${LEFT + plotW}" y2="${
      TOP + plotH
    }" stroke="#444"/>`,
    `<text x="${LEFT - 8}" y="${TOP + 10}" text-anchor="end" font-size="11">${max}</text>`,
    `<text x="${LEFT - 8}" y="${TOP + plotH}" text-anchor="end" font-size="11">0</text>`,
  );
  timeline.weeks.forEach((count, i) => {
    const h = count === 0 ? 0 : Math.max(2, (count / max) * plotH);
    const x = LEFT + i * slot + 2;
    const start = new Date(from + i * WEEK_MS).toISOString().slice(0, 10);
    parts.push(
      `<rect class="week" x="${x.toFixed(1)}" y="${(TOP + plotH - h).toFixed(1)}" width="${
        (slot - 4).toFixed(1)
      }" height="${h.toFixed(1)}" fill="${
        colour(i, nowIndex)
      }" data-count="${count}"><title>week of ${start}: ${count} token(s)</title></rect>`,
    );
    if (i % 4 === 0) {
      parts.push(
        `<text x="${(LEFT + i * slot).toFixed(1)}" y="${
          TOP + plotH + 16
        }" font-size="11">${start}</text>`,
      );
    }
  });
  const nowX = (LEFT + nowIndex * slot).toFixed(1);
  parts.push(
    `<line x1="${nowX}" y1="${TOP - 6}" x2="${nowX}" y2="${
      TOP + plotH
    }" stroke="#000" stroke-dasharray="4 3"/>`,
    `<text x="${nowX}" y="${TOP - 10}" text-anchor="middle" font-size="11">now</text>`,
    `<text x="${LEFT}" y="${
      HEIGHT - 6
    }" font-size="12">earlier: ${timeline.earlier} expired before ${
      timeline.from.slice(0, 10)
    }</text>`,
    `<text x="${WIDTH - 8}" y="${
      TOP + 10
    }" text-anchor="end" font-size="12">later: ${timeline.later}</text>`,
    `<text x="${WIDTH - 8}" y="${
      TOP + 28
    }" text-anchor="end" font-size="12" fill="#c62828">never: ${timeline.never}</text>`,
    `</svg>`,
  );
  return parts.join("\n");
}
