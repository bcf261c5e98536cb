import { filter, type Observable, type OperatorFunction } from "rxjs";

/**
 * `E` narrowed to the given types: the matching members of a union (WatchEvent), or `E` with
 * a narrower `type` when `type` is itself a union (TokenEvent, RequestEvent).
 */
export type OfType<E, T extends string> = E extends { readonly type: infer K } ? K extends T ? E
  : [Extract<K, T>] extends [never] ? never
  : E & { readonly type: Extract<K, T> }
  : never;

/**
 * Keeps the events of the given types, narrowing the event type to match.
 *
 * @example
 * watchTokens(client, opts).pipe(ofType("created", "deleted")).subscribe(notify);
 */
export function ofType<T extends string>(
  ...types: T[]
): <E extends { readonly type: string }>(source: Observable<E>) => Observable<OfType<E, T>> {
  const wanted = new Set<string>(types);
  return <E extends { readonly type: string }>(source: Observable<E>) =>
    source.pipe(filter((event): event is OfType<E, T> => wanted.has(event.type)));
}

// Losant ids are hex and compared case-insensitively by the API.
const sameId = (a: string | undefined, b: string): boolean =>
  a !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * Keeps the events of one instance (ids compared case-insensitively).
 *
 * @example
 * tokenEvents(client).pipe(forInstance(instanceId)).subscribe(render);
 */
export function forInstance<E extends { readonly instanceId: string }>(
  instanceId: string,
): OperatorFunction<E, E> {
  return filter((event) => sameId(event.instanceId, instanceId));
}

/**
 * Keeps the events of one token (ids compared case-insensitively).
 *
 * @example
 * const gone = firstValueFrom(watch$.pipe(forToken(apiTokenId), ofType("deleted")));
 */
export function forToken<E extends { readonly apiTokenId?: string }>(
  apiTokenId: string,
): OperatorFunction<E, E> {
  return filter((event) => sameId(event.apiTokenId, apiTokenId));
}
