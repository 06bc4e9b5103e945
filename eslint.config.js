import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import { readdirSync } from "node:fs";

// Layers, each rule with the reason it exists (tests/lint-layers.test.ts plants a violation of each).
const TESTS = ["**/*.test.ts", "**/*.test.tsx"];
const SANDBOX = { group: ["**/sandbox/**"], message: "sandbox/ is a local stand-in; product code must not import it" };
const TEST_SUPPORT = {
  group: ["**/tests/**", "**/testing/**"],
  message: "product code holds no test helpers; test support lives in tests/support/ and src/testing/",
};
const SERVER = { group: ["**/server/**"], message: "the console talks to the server over HTTP; shared rules live in contracts/ (#contracts/...)" };
const CONSOLE_TESTS = ["src/**/*.test.ts", "src/**/*.test.tsx", "src/testing/**"];
const FEATURES = readdirSync(new URL("./src/features", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const restrict = (...patterns) => ["error", { patterns }];

export default tseslint.config(
  // Python virtual environments (the dev warehouse's engines, sandbox/cfn-tools) ship JavaScript of their own.
  { ignores: ["dist", "node_modules", "data", "test-results", "**/.venv*/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // `import { type X } from "m"` still runs m (verbatimModuleSyntax keeps `import "m"`): on the
      // console that once loaded contracts/data-source.ts and all of zod into the first page.
      "@typescript-eslint/no-import-type-side-effects": "error",
    },
  },
  {
    files: ["src/**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    // Product code never reaches into the stand-ins or the tests' support.
    files: ["server/**"],
    ignores: TESTS,
    rules: { "no-restricted-imports": restrict(SANDBOX, TEST_SUPPORT) },
  },
  {
    // The store is the bottom layer of the server: identity, the API and the worker use it, never
    // the other way round (identity keeps its own tables: server/auth/tables.ts).
    files: ["server/store/**"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": restrict(SANDBOX, TEST_SUPPORT, {
        group: ["**/auth/**", "**/api/**", "**/worker/**"],
        message: "server/store/ is the bottom layer: it imports neither identity, the API nor the worker",
      }),
    },
  },
  {
    // The worker is its own process: it shares the store and the engines' clients, not the API.
    files: ["server/worker/**"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": restrict(SANDBOX, TEST_SUPPORT, {
        group: ["**/api/**"],
        message: "the worker does not import the API (a rule both need belongs in contracts/ or a shared server module)",
      }),
    },
  },
  {
    // The console runs in a browser: neither the stand-ins nor the server's modules belong in it.
    files: ["src/**"],
    rules: {
      "no-restricted-imports": restrict(SANDBOX, {
        group: ["**/server/**"],
        message: "the console talks to the server over HTTP; shared rules live in contracts/ (#contracts/...)",
      }),
    },
  },
  {
    files: ["src/**"],
    ignores: CONSOLE_TESTS,
    rules: { "no-restricted-imports": restrict(SANDBOX, SERVER, TEST_SUPPORT) },
  },
  // A console feature uses another only through that feature's public.ts (what it offers the
  // others); the rest of a feature is its own to change.
  ...FEATURES.map((feature) => ({
    files: [`src/features/${feature}/**`],
    ignores: CONSOLE_TESTS,
    rules: {
      "no-restricted-imports": restrict(SANDBOX, SERVER, TEST_SUPPORT, {
        group: FEATURES.filter((other) => other !== feature).flatMap((other) => [`**/${other}/**`, `!**/${other}/public.ts`]),
        message: "use another feature through its public.ts; what it does not export there is its own",
      }),
    },
  })),
  {
    // The contracts are the one definition of every field for browser and Node alike: zod only.
    files: ["contracts/**"],
    ignores: ["contracts/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(?!zod$|\\./[^/]+$)", message: "contracts/ imports only zod and other contracts (./name.ts)" }] },
      ],
    },
  },
);
