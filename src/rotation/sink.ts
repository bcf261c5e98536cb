/** One successor's secret on its way to where it is used. */
export interface SecretDelivery {
  /**
   * `<instanceId>/<oldTokenId>`, lower case: the identity of the delivery. A second delivery
   * for the same key (after a crash, a new successor) replaces the first.
   */
  key: string;
  /** The instance of both tokens. */
  instanceId: string;
  /** The token the successor replaces. */
  oldTokenId: string;
  /** The new token, whose secret this is. */
  successorId: string;
  /** The successor's name. */
  name: string;
  /** When the successor expires (ISO 8601), when it does. */
  expirationDate?: string;
  /** The successor's secret JWT. */
  secret: string;
}

/**
 * Where successors' secrets go: a function that resolves once the secret is safely stored
 * (the old token is not touched before). It must be idempotent per `key`: delivering again
 * for the same old token overwrites, so after any crash the last secret delivered for an
 * old token is its live successor's. A sink that rejects fails the rotation of that token:
 * the successor is deleted and the old token left as it was.
 *
 * @example
 * const sink: SecretSink = async (d) => await vault.put(`losant/${d.key}`, d.secret);
 */
export type SecretSink = (delivery: SecretDelivery) => Promise<void> | void;

/**
 * A sink that keeps secrets in a Map by key (the last delivery wins): for tests, and for
 * a program that hands them on itself.
 *
 * @example
 * const sink = memorySink();
 * await rotateTokens(client, items, { sink, expiresIn });
 * for (const [key, d] of sink.secrets) await deploy(key, d.secret);
 */
export function memorySink(): SecretSink & { readonly secrets: Map<string, SecretDelivery> } {
  const secrets = new Map<string, SecretDelivery>();
  const sink = (delivery: SecretDelivery): void => {
    secrets.set(delivery.key, { ...delivery });
  };
  return Object.assign(sink, { secrets });
}
