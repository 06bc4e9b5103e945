import { NavLink, Outlet } from "react-router";
import { useOrg } from "../lib/use-org.ts";

export function AppLayout() {
  const org = useOrg();
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">Databend Cloud</span>
        <span className="org" title="Organization ID (your External ID)">
          {org.data ? `Organization ${org.data.org_id}` : ""}
        </span>
      </header>
      <nav className="sidenav" aria-label="Main">
        <p className="nav-group">Data</p>
        <ul>
          <li>
            <NavLink to="/data/sources">Data Sources</NavLink>
          </li>
          <li>
            <NavLink to="/data/integration">Data Integration</NavLink>
          </li>
        </ul>
      </nav>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
