import { isOwnToken } from "./own-token-last.ts";

/** What a queue holds: an item for one token of one instance. */
export interface QueuedItem {
  instanceId: string;
  apiTokenId: string;
}

/**
 * The items read and not yet started, one FIFO queue per instance, served round-robin so one
 * big instance cannot starve the others. Items for the job's own token wait apart until
 * `releaseOwn()` (when everything else is done). The size is kept by the queues themselves,
 * so the scheduler never counts by hand.
 */
export interface InstanceQueues<T extends QueuedItem> {
  push(item: T): void;
  /** The next item of the next instance, in round-robin order, that `may(instanceId)` start. */
  next(may: (instanceId: string) => boolean): T | undefined;
  /** Removes and returns every queued item of one instance. */
  takeInstance(instanceId: string): T[];
  /** Removes and returns every item, own-token ones included. */
  takeAll(): T[];
  /** Moves the own-token items into the queues; false when there were none. */
  releaseOwn(): boolean;
  /** Items in the queues (own-token items waiting apart included). */
  readonly size: number;
}

/**
 * Makes the queues.
 *
 * @example
 * const queues = createInstanceQueues(selfTokenId);
 * queues.push(item);
 * const next = queues.next((id) => !gate.isPaused(id));
 */
export function createInstanceQueues<T extends QueuedItem>(
  selfTokenId: string | undefined,
): InstanceQueues<T> {
  // Map order is the round-robin order: an instance just served moves to the back.
  const queues = new Map<string, T[]>();
  let own: T[] = [];
  let queued = 0; // items in `queues`; changed only where `queues` is
  const enqueue = (item: T): void => {
    queued++;
    const queue = queues.get(item.instanceId);
    if (queue === undefined) queues.set(item.instanceId, [item]);
    else queue.push(item);
  };
  return {
    push(item) {
      if (isOwnToken(item.apiTokenId, selfTokenId)) own.push(item);
      else enqueue(item);
    },
    next(may) {
      for (const [instanceId, queue] of queues) {
        if (!may(instanceId)) continue;
        const item = queue.shift()!;
        queued--;
        queues.delete(instanceId);
        if (queue.length > 0) queues.set(instanceId, queue);
        return item;
      }
      return undefined;
    },
    takeInstance(instanceId) {
      const queue = queues.get(instanceId) ?? [];
      queues.delete(instanceId);
      queued -= queue.length;
      return queue;
    },
    takeAll() {
      const all = [...queues.values()].flat().concat(own);
      queues.clear();
      queued = 0;
      own = [];
      return all;
    },
    releaseOwn() {
      if (own.length === 0) return false;
      for (const item of own.splice(0)) enqueue(item);
      return true;
    },
    get size() {
      return queued + own.length;
    },
  };
}
