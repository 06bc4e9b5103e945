// The header's account menu: who is signed in, with which role, in which organization; switching
// organization when the user has more than one; creating an organization; signing out. Loaded after
// the page (layout.tsx). Create organization is always offered: the server does not say beforehand
// whether creation is turned off (ALLOW_ORG_CREATION=false), so its 403 sentence says it then.
import { Menu, Text, UnstyledButton } from "@mantine/core";
import { lazy, Suspense, useState } from "react";
import type { Session } from "#contracts/session.ts";
import { ROLE_LABELS } from "#contracts/roles.ts";
import { useSetActiveOrganization } from "../api/set-active-organization.ts";
import { useSignOut } from "../api/sign-out.ts";
import { AccountBadge } from "./account-badge.tsx";

// The form (zod, react-hook-form, Modal) arrives only when the item is chosen.
const CreateOrganizationModal = lazy(() => import("./create-organization-modal.tsx"));

export default function UserMenu({ session }: { session: Session }) {
  const signOut = useSignOut();
  const switchTo = useSetActiveOrganization();
  const { user, active, organizations } = session;
  const [creating, setCreating] = useState(false);
  return (
    <>
      {/* No focus placeholder: Mantine's is a role="presentation" child, which a role="menu" may not hold (axe). */}
      <Menu position="bottom-end" width={280} withinPortal withInitialFocusPlaceholder={false}>
        <Menu.Target>
          <UnstyledButton aria-label={`Account: ${user.email}${active ? `, ${ROLE_LABELS[active.role]} in ${active.name}` : ""}`} c="white">
            <AccountBadge session={session} />
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Signed in as</Menu.Label>
          <Text size="sm" px="sm" style={{ overflowWrap: "anywhere" }}>
            {user.email}
          </Text>
          {active ? (
            <Text size="sm" px="sm" pb={6} c="dimmed">
              {ROLE_LABELS[active.role]} in {active.name}
            </Text>
          ) : null}
          {organizations.length > 1 ? (
            <>
              <Menu.Divider />
              <Menu.Label>Switch organization</Menu.Label>
              {/* Radio items: the current organization is the checked one. */}
              <Menu.RadioGroup
                value={active?.org_id ?? null}
                onChange={(orgId) => {
                  const org = organizations.find((one) => one.org_id === orgId);
                  if (org) switchTo.mutate({ orgId: org.org_id, name: org.name });
                }}
              >
                {organizations.map((org) => (
                  <Menu.RadioItem
                    key={org.org_id}
                    value={org.org_id}
                    disabled={switchTo.isPending}
                    rightSection={
                      <Text size="xs" c="dimmed">
                        {ROLE_LABELS[org.role]}
                      </Text>
                    }
                  >
                    {org.name}
                  </Menu.RadioItem>
                ))}
              </Menu.RadioGroup>
            </>
          ) : null}
          <Menu.Divider />
          <Menu.Item onClick={() => setCreating(true)}>Create organization…</Menu.Item>
          <Menu.Item onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {creating ? (
        <Suspense fallback={null}>
          <CreateOrganizationModal onClose={() => setCreating(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
