/**
 * The `errorHint` (see ActionSemantics) of the actions whose body may hold roles (patch,
 * create). A Losant API older than 1.30 refuses `defaultRole` and `orgRoles` as
 * "additional properties", which does not say that a newer API would take them.
 *
 * @example
 * rolesHint(400, "apiToken should NOT have additional properties", { defaultRole: "none" });
 * // " (defaultRole and orgRoles need Losant API 1.30 or later)"
 */
export function rolesHint(status: number, message: string, body: unknown): string | undefined {
  return status === 400 && /defaultRole|orgRoles|additional prop/i.test(message) &&
      /"(defaultRole|orgRoles)"/.test(JSON.stringify(body) ?? "")
    ? " (defaultRole and orgRoles need Losant API 1.30 or later)"
    : undefined;
}
