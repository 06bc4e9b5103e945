// The frame of the pages one sees before signing in (sign-in, first-run setup, an invitation): the
// brand bar and a narrow column, no navigation (nothing behind it is reachable yet).
import { Anchor, Box, Container } from "@mantine/core";
import { Suspense, useRef } from "react";
import { Link, Outlet } from "react-router";
import { Loading } from "../lib/page-states.tsx";
import { useRouteFocus } from "./route-focus.ts";
import classes from "./layout.module.css";

export function PublicLayout() {
  const main = useRef<HTMLDivElement>(null);
  useRouteFocus(main);
  return (
    <>
      <Box component="header" className={classes.header} h={52} px="md" style={{ display: "flex", alignItems: "center" }}>
        <Anchor component={Link} to="/sign-in" c="white" fw={600} underline="never">
          Databend Cloud
        </Anchor>
      </Box>
      <Container component="main" id="main" ref={main} py="xl" px="md" className={classes.main} style={{ maxWidth: 460 }}>
        <Suspense fallback={<Loading what="page" />}>
          <Outlet />
        </Suspense>
      </Container>
    </>
  );
}
