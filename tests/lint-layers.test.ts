// Each layer rule in eslint.config.js, proven able to fail: a planted import in a file of that layer
// is reported with the rule's message, and the same import from a layer allowed to make it is not.
// ESLint's own Node API lints the text as if it were at that path, so no file is written.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

const cases: { rule: string; file: string; code: string; message: RegExp; allowedIn: string }[] = [
  {
    rule: "the store imports no identity",
    file: "server/store/planted.ts",
    code: 'import { authOptions } from "../auth/options.ts";\nexport const x = authOptions;\n',
    message: /bottom layer/,
    allowedIn: "server/api/planted.ts",
  },
  {
    rule: "the store imports no API",
    file: "server/store/planted.ts",
    code: 'import { HttpError } from "../api/errors.ts";\nexport const x = HttpError;\n',
    message: /bottom layer/,
    allowedIn: "server/auth/planted.ts",
  },
  {
    rule: "the worker imports no API",
    file: "server/worker/planted.ts",
    code: 'import { HttpError } from "../api/errors.ts";\nexport const x = HttpError;\n',
    message: /worker does not import the API/,
    allowedIn: "server/preview/planted.ts",
  },
  {
    rule: "product code holds no test helpers (server)",
    file: "server/api/planted.ts",
    code: 'import { fixedPrincipal } from "../../tests/support/fixed-principal.ts";\nexport const x = fixedPrincipal;\n',
    message: /no test helpers/,
    allowedIn: "server/api/planted.test.ts",
  },
  {
    rule: "product code holds no test helpers (console)",
    file: "src/features/tasks/planted.ts",
    code: 'import { makeTask } from "../../testing/tasks.tsx";\nexport const x = makeTask;\n',
    message: /no test helpers/,
    allowedIn: "src/features/tasks/planted.test.ts",
  },
  {
    rule: "product code never imports the stand-ins",
    file: "server/worker/planted.ts",
    code: 'import { startSandbox } from "../../sandbox/aws/server.ts";\nexport const x = startSandbox;\n',
    message: /local stand-in/,
    allowedIn: "tests/planted.ts",
  },
  {
    rule: "the console imports no server module",
    file: "src/lib/planted.ts",
    code: 'import { loadConfig } from "../../server/config.ts";\nexport const x = loadConfig;\n',
    message: /over HTTP/,
    allowedIn: "tests/planted.ts",
  },
  {
    rule: "a console feature reaches another only through its public.ts",
    file: "src/features/tasks/components/planted.tsx",
    code: 'import { dataSourceKeys } from "../../data-sources/api/keys.ts";\nexport const x = dataSourceKeys;\n',
    message: /through its public\.ts/,
    allowedIn: "src/features/data-sources/components/planted.tsx",
  },
  {
    rule: "a feature's public.ts is the way in",
    file: "src/features/tasks/components/planted.tsx",
    code: 'import { dataSourceKeys } from "../../data-sources/public.ts";\nexport const x = dataSourceKeys;\n',
    message: /^$/,
    allowedIn: "src/features/admin/components/planted.tsx",
  },
  {
    rule: "contracts import only zod and contracts",
    file: "contracts/planted.ts",
    code: 'import { z } from "zod";\nimport { loadConfig } from "../server/config.ts";\nexport const x = [z, loadConfig];\n',
    message: /only zod and other contracts/,
    allowedIn: "server/planted.ts",
  },
];

describe("layer rules (eslint.config.js)", () => {
  for (const c of cases) {
    it(`${c.rule}: reported in ${c.file}, not in ${c.allowedIn}`, async () => {
      const found = await restrictedImports(c.file, c.code);
      // An empty pattern: the import is allowed in `file` too.
      if (c.message.source === "^$") expect(found).toEqual([]);
      else expect(found.some((m) => c.message.test(m)), found.join("\n") || "nothing reported").toBe(true);
      expect(await restrictedImports(c.allowedIn, c.code)).toEqual([]);
    }, 60_000);
  }
});
