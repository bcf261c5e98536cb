import type { OrgRole, ResourceRole, Role } from "../schemas/roles.ts";

// The same role types the client's schemas use: a token the store holds is one the API sends.
export type { OrgRole, ResourceRole };

/** Roles an API token may carry (apiToken.json `defaultRole`); the core's {@link Role}. */
export type TokenRole = Role;

/**
 * An API token as the fake server stores it: apiToken.json plus the secret `token`,
 * which the HTTP layer reveals only in the response to a create.
 */
export interface FakeToken {
  /** The token's id, 24 hex digits. */
  id: string;
  /** Always equal to `id`, as the API sends both. */
  apiTokenId: string;
  /** The owner's id (default: the instance's owner). */
  ownerId: string;
  /** Default `user`. */
  ownerType: "application" | "user";
  /** Who created it (default: the instance's owner). */
  creatorId: string;
  /** Default `user`. */
  creatorType: "apiToken" | "user" | "flow";
  /** Default: the instance's `ownerName`. */
  creatorName: string;
  /** Default `token-` and the id's last 6 digits. */
  name: string;
  /** Free text, at most 32 767 characters; absent unless given. */
  description?: string;
  /** ISO 8601 (default: when it was stored). */
  creationDate: string;
  /** ISO 8601; moves forward on every change, even two within one millisecond. */
  lastUpdated: string;
  /** ISO 8601; absent: never expires. */
  expirationDate?: string;
  /** Default `none`. */
  defaultRole: TokenRole;
  /** Roles per organization, overriding `defaultRole` there; absent unless given. */
  orgRoles?: OrgRole[];
  /** Scope names (default none: a token that may call nothing). */
  scope: string[];
  /** Default `active`; an inactive token gets 401 when used as an access token. */
  status: "active" | "inactive";
  /** The bearer secret: what `Authorization: Bearer` must carry to act as this token. */
  token: string;
}

/** A Losant instance held by the fake server. */
export interface FakeInstance {
  /** The instance's id, 24 hex digits. */
  id: string;
  /** The user who owns the instance; tokens created in it are owned by this user. */
  ownerId: string;
  /** The owner's display name, the default `creatorName` of its tokens. */
  ownerName: string;
  /** Hidden instances (the admin instance behind global access tokens) are left out of `instanceIds`. */
  hidden: boolean;
}

/** Fields a caller may choose when creating a token directly in the store. */
export type NewToken = Partial<Omit<FakeToken, "apiTokenId">>;

/** Fields a direct update may change. */
export type TokenChanges = Partial<Omit<FakeToken, "id" | "apiTokenId" | "ownerId" | "ownerType">>;

/** A deep copy of the whole store, for before/after comparisons in tests. */
export interface StoreSnapshot {
  /** Every instance with its tokens, hidden instances included. */
  instances: Array<FakeInstance & { tokens: FakeToken[] }>;
}
