// The pages before signing in, each its own chunk (they bring zod and the form library, which the
// signed-in first route does without).
import { lazy } from "react";
import type { RouteObject } from "react-router";

const SignInPage = lazy(() => import("./components/sign-in-page.tsx").then((m) => ({ default: m.SignInPage })));
const SetupPage = lazy(() => import("./components/setup-page.tsx").then((m) => ({ default: m.SetupPage })));
const InvitePage = lazy(() => import("./components/invite-page.tsx").then((m) => ({ default: m.InvitePage })));

export const sessionRoutes: RouteObject[] = [
  { path: "sign-in", element: <SignInPage /> },
  { path: "setup", element: <SetupPage /> },
  { path: "invite/:id", element: <InvitePage /> },
];
