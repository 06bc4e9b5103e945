import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { lazy, Suspense, useState, useSyncExternalStore, type ReactNode } from "react";
import { ApiRequestError } from "../lib/api-client.ts";
import { overlaysWanted } from "../lib/overlays.ts";
import { cssVariablesResolver, theme } from "./theme.ts";

// Notices and modals mount beside the app, not around it, once the first is to be shown
// (src/lib/overlays.ts).
const Overlays = lazy(() => import("./overlays.tsx"));

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        // A 4xx will not change by asking again; network blips and 5xx may.
        retry: (count, error) => !(error instanceof ApiRequestError && error.status < 500) && count < 2,
      },
    },
  });
}

export function AppProviders({ children, client }: { children: ReactNode; client?: QueryClient }) {
  const [queryClient] = useState(() => client ?? createQueryClient());
  const overlays = useSyncExternalStore(overlaysWanted.subscribe, overlaysWanted.get, overlaysWanted.get);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto">
      <QueryClientProvider client={queryClient}>
        {overlays ? (
          <Suspense fallback={null}>
            <Overlays />
          </Suspense>
        ) : null}
        {children}
      </QueryClientProvider>
    </MantineProvider>
  );
}
