// The console's first route (/data/sources) stays within 200 kB of gzip JavaScript (issue 17), and a
// task's page as shown within 220 kB of brotli JavaScript (issue 21), read from the built manifest
// by the same definitions bench/console-size.ts prints. Sizes, not timings.
// Needs the built console (npm test's pretest runs `vite build`).
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { firstRouteJs, TARGET_GZIP_JS, TARGET_TASK_PAGE_BROTLI, taskPageJs } from "../bench/first-route.ts";

const DIST = path.resolve("dist");

describe("console size", () => {
  it(`the first route loads at most ${TARGET_GZIP_JS / 1000} kB of gzip JS`, () => {
    if (!existsSync(path.join(DIST, ".vite", "manifest.json"))) {
      throw new Error("The console is not built: run `npm run build` (npm test does it first)");
    }
    const files = firstRouteJs(DIST);
    const total = files.reduce((sum, f) => sum + f.gzip, 0);
    const largest = [...files].sort((a, b) => b.gzip - a.gzip).slice(0, 8).map((f) => `${f.file} ${f.gzip}`);
    expect(total, `first-route gzip JS ${total} bytes over ${TARGET_GZIP_JS}; largest: ${largest.join(", ")} (npm run bench:console-size)`).toBeLessThanOrEqual(TARGET_GZIP_JS);
  });

  it("keeps floating-ui off the first route (menus and tooltips bring it when opened)", () => {
    const files = firstRouteJs(DIST).map((f) => f.file);
    expect(files.filter((file) => /floating-ui/.test(file))).toEqual([]);
  });

  it(`a task's page as shown loads at most ${TARGET_TASK_PAGE_BROTLI / 1000} kB of brotli JS`, () => {
    const files = taskPageJs(DIST);
    const total = files.reduce((sum, f) => sum + f.brotli, 0);
    const largest = [...files].sort((a, b) => b.brotli - a.brotli).slice(0, 8).map((f) => `${f.file} ${f.brotli}`);
    expect(total, `task page brotli JS ${total} bytes over ${TARGET_TASK_PAGE_BROTLI}; largest: ${largest.join(", ")} (npm run bench:console-size)`).toBeLessThanOrEqual(TARGET_TASK_PAGE_BROTLI);
  });
});
