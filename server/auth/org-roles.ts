// Our three roles (contracts/roles.ts) as better-auth's organization plugin knows roles, so that
// memberships, invitations and its permission checks (who may invite, change or remove members)
// speak admin / operator / viewer rather than its default owner / admin / member. Only an admin
// manages the organization's people; what each role may do on our own routes is decided by
// contracts/roles.ts and enforced by server/api/plugins/access.ts.
import { createAccessControl } from "better-auth/plugins/access";
import { adminAc, defaultStatements, memberAc } from "better-auth/plugins/organization/access";
import type { Role } from "#contracts/roles.ts";

const ac = createAccessControl(defaultStatements);

export const ORGANIZATION_ACCESS = {
  ac,
  roles: {
    admin: ac.newRole({ ...adminAc.statements, organization: ["update", "delete"] }),
    operator: ac.newRole(memberAc.statements),
    viewer: ac.newRole(memberAc.statements),
  } satisfies Record<Role, unknown>,
};
