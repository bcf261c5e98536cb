/**
 * Where an offset-paged listing goes after each page, decided from the counts the API
 * returns, never from a short page alone: a server that caps the page size (asked 1000,
 * given 100) sends short pages long before the end. A pure function, tested as a table.
 */

/** What is known after reading a page. */
export interface PageSeen {
  /** The page index just read, and the page size it was asked with. */
  page: number;
  perPage: number;
  /** Items on that page. */
  items: number;
  /** Items read so far, this page included. */
  seen: number;
  /** The page's totalCount. */
  total: number;
  /** The page size the server says it used, when it says. */
  servedPerPage?: number;
}

/** The next request, or the end of the listing (complete: the counts were reached). */
export type NextPage =
  | { readonly done: false; readonly page: number; readonly perPage: number }
  | { readonly done: true; readonly complete: boolean };

/**
 * Decides the next page. The listing ends when `seen` reaches `total`, or on an empty page
 * (then complete only if the counts agree). A short page that is not the end means the server
 * served a smaller page than asked: the listing goes on in that size, from the next offset.
 *
 * @example
 * nextPage({ page: 0, perPage: 1000, items: 100, seen: 100, total: 250, servedPerPage: 100 });
 * // { done: false, page: 1, perPage: 100 }
 */
export function nextPage(p: PageSeen): NextPage {
  if (p.seen >= p.total) return { done: true, complete: true };
  if (p.items === 0) return { done: true, complete: false };
  let size = p.perPage;
  if (p.servedPerPage !== undefined && p.servedPerPage > 0 && p.servedPerPage < size) {
    size = p.servedPerPage;
  }
  if (p.items < size) size = p.items;
  // Offsets are page × perPage: continue only where that lands exactly on what was read.
  if (p.seen % size !== 0) return { done: true, complete: false };
  return { done: false, page: p.seen / size, perPage: size };
}

/** A page as the API returns it: counts may come as numbers or numeric strings. */
export interface PageCounts {
  readonly items: readonly unknown[];
  readonly totalCount: number | string;
  readonly perPage?: number | string;
}

/**
 * {@link nextPage} for a page just read with `page` and `perPage`, `seen` counting the items
 * read so far including this page's: the one place that turns the API's counts into numbers.
 *
 * @example
 * const next = nextPageAfter(result, page, perPage, seen);
 */
export function nextPageAfter(
  result: PageCounts,
  page: number,
  perPage: number,
  seen: number,
): NextPage {
  return nextPage({
    page,
    perPage,
    items: result.items.length,
    seen,
    total: Number(result.totalCount),
    servedPerPage: result.perPage === undefined ? undefined : Number(result.perPage),
  });
}
