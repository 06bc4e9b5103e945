import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";
import react from "@vitejs/plugin-react";
import { compression } from "vite-plugin-compression2";

/**
 * Mantine's ScrollArea (inside every Mantine Table) imports only `useMergeRefs` from
 * @floating-ui/react, and a module is bundled whole: the list pages loaded all of floating-ui for
 * it (15.5 kB of the first route's gzip JS). That one import resolves to src/lib/scroll-area-merge-refs.ts;
 * a Mantine upgrade that imports more from there fails the build on the missing export.
 */
function scrollAreaWithoutFloatingUi(): Plugin {
  const shim = fileURLToPath(new URL("src/lib/scroll-area-merge-refs.ts", import.meta.url));
  return {
    name: "scroll-area-without-floating-ui",
    enforce: "pre",
    resolveId(source, importer) {
      if (source === "@floating-ui/react" && importer && /@mantine[\\/]core[\\/].*[\\/]ScrollArea[\\/]ScrollArea\.mjs$/.test(importer)) {
        return shim;
      }
      return null;
    },
  };
}

const apiPort = process.env.PORT ?? "3000";

export default defineConfig({
  plugins: [
    scrollAreaWithoutFloatingUi(),
    react(),
    // Precompressed siblings (x.js.br, x.js.gz) that the API serves with @fastify/static's
    // preCompressed: built once at maximum level instead of compressed on every request. A sibling
    // that would not be smaller is skipped, and the server then sends the file as it is.
    compression({ algorithms: ["brotliCompress", "gzip"], include: /\.(js|mjs|css|html|svg|json|txt|webmanifest)$/, exclude: /(^|\/)\.vite\// }),
  ],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // dist/.vite/manifest.json: which chunks each entry and lazy route loads (bench/console-size.ts).
    // The server never serves it (dot folders are not served).
    manifest: true,
    rolldownOptions: {
      // Modules that only declare things, so one nobody takes a binding from may be left out. The
      // bundler otherwise keeps every module a kept module imports: a task's page takes only
      // WarehouseName from admin/public.ts, and the barrel made it load admin-parts.tsx with Modal,
      // its focus trap and react-hook-form (23 kB of its 220 kB brotli, issue 21). A feature's
      // public.ts only re-exports (what another feature may use); admin-parts.tsx has no top-level
      // effect. A module listed here must stay that way.
      treeshake: {
        moduleSideEffects: (id: string) => !/src[\\/]features[\\/](admin[\\/]components[\\/]admin-parts\.tsx|[^\\/]+[\\/]public\.ts)$/.test(id),
      },
      output: {
        // Libraries only some pages use get chunks of their own, so the bundler does not fold them
        // into a chunk the first page loads: zod (forms), floating-ui (menus, tooltips), TanStack
        // Table (lists). bench/console-size.ts measures what the first page loads.
        codeSplitting: {
          groups: [
            // React first (highest priority): a group also takes in the modules its own modules import,
            // so without this React landed in the floating-ui chunk and every page loaded floating-ui
            // (about 14 kB gzip) to get React.
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 10 },
            { name: "zod", test: /node_modules[\\/]zod[\\/]/ },
            { name: "floating-ui", test: /node_modules[\\/]@floating-ui[\\/]/ },
            { name: "tanstack-table", test: /node_modules[\\/]@tanstack[\\/](react-table|table-core)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    host: "127.0.0.1",
    proxy: { "/api": `http://127.0.0.1:${apiPort}` },
  },
  test: {
    // Suites that start servers share ports and a 2-core machine; keep files sequential and bounded.
    fileParallelism: false,
    // The JSON report feeds .ci/run's closing line; the default reporter is for people.
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "console",
          environment: "jsdom",
          include: ["src/**/*.test.{ts,tsx}"],
          setupFiles: ["src/testing/setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "node",
          environment: "node",
          include: ["contracts/**/*.test.ts", "server/**/*.test.ts", "sandbox/**/*.test.ts", "tests/**/*.test.ts"],
        },
      },
      {
        // The worker suites again with the store on PostgreSQL (a throwaway Debian cluster per
        // file): claims, the ledger and run history must hold under its concurrency too.
        extends: true,
        test: {
          name: "node-postgres",
          environment: "node",
          include: ["tests/worker-*.test.ts"],
          // The SQL writer's suite touches no store; the scale-out test is on PostgreSQL by itself.
          exclude: ["tests/worker-copy-sql.test.ts", "tests/worker-scale-out.test.ts"],
          env: { WORKER_STORE: "postgres" },
        },
      },
      // Databend's load rules, the worker's load-rule suite and the dev warehouse's own tests again on
      // the oldest engine the product supports (the default project runs the newest). Against a
      // Databend of your own (DATABEND_DSN) there is no second engine to run them on.
      ...(process.env.DATABEND_DSN
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: "node-oldest-engine",
                environment: "node" as const,
                include: [
                  "tests/databend-rules.test.ts",
                  "tests/worker-load-rules.test.ts",
                  // The kill-after-COMMIT and freeze-past-the-lease proofs: the fence works differently on each engine (2009 / 4001).
                  "tests/worker-receipts.test.ts",
                  // Zero-byte and no-row files, and a failing file's quarantine: 1.2.453 fails COPY on a zero-byte object.
                  "tests/worker-failed-files.test.ts",
                  "sandbox/warehouse/*.test.ts",
                ],
                env: { WAREHOUSE_ENGINE: "oldest" },
              },
            },
          ]),
    ],
  },
});
