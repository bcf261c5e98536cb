/** Roles an API token may carry (apiToken.json `defaultRole`). */
export type TokenRole = "admin" | "edit" | "collaborate" | "view" | "none";

/** A resource-level role inside an org role. */
export interface ResourceRole {
  resourceId: string;
  role: "collaborate" | "view" | "none";
}

/** One entry of apiToken.json `orgRoles`. */
export interface OrgRole {
  orgId: string;
  role: TokenRole;
  applicationRoles?: ResourceRole[];
  dashboardRoles?: ResourceRole[];
}

/**
 * An API token as the fake server stores it: apiToken.json plus the secret `token`,
 * which the HTTP layer reveals only in the response to a create.
 */
export interface FakeToken {
  id: string;
  apiTokenId: string;
  ownerId: string;
  ownerType: "application" | "user";
  creatorId: string;
  creatorType: "apiToken" | "user" | "flow";
  creatorName: string;
  name: string;
  description?: string;
  creationDate: string;
  lastUpdated: string;
  expirationDate?: string;
  defaultRole: TokenRole;
  orgRoles?: OrgRole[];
  scope: string[];
  status: "active" | "inactive";
  token: string;
}

/** A Losant instance held by the fake server. */
export interface FakeInstance {
  id: string;
  /** The user who owns the instance; tokens created in it are owned by this user. */
  ownerId: string;
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
  instances: Array<FakeInstance & { tokens: FakeToken[] }>;
}
