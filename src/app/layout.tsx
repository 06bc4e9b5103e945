// The console's frame: header with the brand, the External ID and the account menu (organization,
// role, switching, sign-out), a navigation that collapses into a
// burger menu on a phone, a skip link, and the page in <main>.
import { Anchor, AppShell, Burger, Group, NavLink, Text, VisuallyHidden } from "@mantine/core";
import { useDisclosure, useMediaQuery } from "@mantine/hooks";
import { Fragment, lazy, Suspense, useEffect, useRef } from "react";
import { Link, Outlet, useLocation } from "react-router";
import { roleAllows, type Access } from "#contracts/roles.ts";
import { Loading } from "../lib/page-states.tsx";
import { useSession } from "../lib/session.ts";
import { useOrg } from "../lib/use-org.ts";
import { AccountBadge } from "../features/session/components/account-badge.tsx";
import { useRouteFocus } from "./route-focus.ts";
import classes from "./layout.module.css";

// The account menu arrives after the page: Mantine's Menu brings Popover, a focus trap and scroll
// locking (about 20 kB gzip) that the first page does not need to show.
const UserMenu = lazy(() => import("../features/session/components/user-menu.tsx"));

// Each link says what it needs (contracts/roles.ts): one place to hide a link from a role that may
// not use it (`roleAllows(active.role, item.access)`), and a group with none left; the API refuses
// it anyway (403).
const NAV: { label: string; items: { to: string; label: string; access: Access }[] }[] = [
  {
    label: "Data",
    items: [
      { to: "/data/sources", label: "Data Sources", access: "read" },
      { to: "/data/integration", label: "Data Integration", access: "read" },
    ],
  },
  {
    label: "Organization",
    items: [
      { to: "/org/members", label: "Members", access: "admin" },
      { to: "/org/keys", label: "API keys", access: "admin" },
      // Every role reads the warehouses (a task's page and the wizard name them); admins change them.
      { to: "/org/warehouses", label: "Warehouses", access: "read" },
      // Every role sees the alert rules and what was sent; changing them needs more (the page says so).
      { to: "/org/alerts", label: "Alerts", access: "read" },
      { to: "/org/audit", label: "Audit log", access: "admin" },
    ],
  },
];

export function AppLayout() {
  const org = useOrg();
  // RequireSession renders the layout only once the session has loaded.
  const session = useSession();
  const active = session.data?.active;
  const [opened, { toggle, close }] = useDisclosure(false);
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  // Below the "sm" breakpoint (48em) the closed menu is off screen: inert keeps its links out of the
  // Tab order and away from screen readers until the burger opens it.
  const phone = useMediaQuery("(max-width: 47.99em)") ?? false;
  useRouteFocus(main);
  // Choosing a page on a phone closes the menu.
  useEffect(() => close(), [pathname, close]);

  return (
    <AppShell
      header={{ height: 52 }}
      navbar={{ width: 232, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding={{ base: "sm", sm: "lg" }}
    >
      <a href="#main" className={classes.skip}>
        Skip to content
      </a>
      <AppShell.Header className={classes.header}>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              color="white"
              aria-label={opened ? "Close navigation" : "Open navigation"}
              aria-expanded={opened}
              aria-controls="main-navigation"
            />
            {/* On one line: on a phone the organization ID beside it gives way (truncated), not the name. */}
            <Anchor component={Link} to="/data/sources" c="white" fw={600} underline="never" style={{ whiteSpace: "nowrap" }}>
              Databend Cloud
            </Anchor>
          </Group>
          <Group gap="md" wrap="nowrap" style={{ minWidth: 0 }}>
            <Text size="sm" c="gray.3" truncate title="Organization ID (your External ID)">
              {org.data ? (
                <>
                  <VisuallyHidden>Organization ID </VisuallyHidden>
                  <span aria-hidden="true">Org </span>
                  {org.data.org_id}
                </>
              ) : null}
            </Text>
            {session.data ? (
              <Suspense fallback={<AccountBadge session={session.data} />}>
                <UserMenu session={session.data} />
              </Suspense>
            ) : null}
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar id="main-navigation" p="xs" aria-label="Main" inert={phone && !opened}>
        {NAV.map((group) => ({ ...group, items: group.items.filter((item) => active && roleAllows(active.role, item.access)) }))
          .filter((group) => group.items.length > 0)
          .map((group, index) => (
            <Fragment key={group.label}>
              <Text size="xs" tt="uppercase" c="dimmed" fw={600} px="sm" py={6} mt={index === 0 ? 0 : "sm"}>
                {group.label}
              </Text>
              {group.items.map((item) => (
                <NavLink
                  key={item.to}
                  component={Link}
                  to={item.to}
                  label={item.label}
                  // Filled keeps the current page's link at AA contrast when hovered as well.
                  variant="filled"
                  active={pathname === item.to || pathname.startsWith(`${item.to}/`)}
                  aria-current={pathname === item.to ? "page" : undefined}
                />
              ))}
            </Fragment>
          ))}
      </AppShell.Navbar>
      <AppShell.Main id="main" ref={main} className={classes.main}>
        <Suspense fallback={<Loading what="page" />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
