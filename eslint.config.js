import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "data", "test-results"] },
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
    // Product code never reaches into the stand-ins.
    files: ["server/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/sandbox/**"], message: "sandbox/ is a local stand-in; product code must not import it" }] }],
    },
  },
  {
    // The console runs in a browser: neither the stand-ins nor the server's modules belong in it.
    files: ["src/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/sandbox/**"], message: "sandbox/ is a local stand-in; product code must not import it" },
            { group: ["**/server/**"], message: "the console talks to the server over HTTP; shared rules live in contracts/ (#contracts/...)" },
          ],
        },
      ],
    },
  },
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
