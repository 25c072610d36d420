// TypeScript: a consumer file using every export compiles with --strict against the
// package's own .d.ts (resolved through the "types" export condition).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

import { consumer } from "./harness.mjs";

const tsc = fileURLToPath(
  new URL("./node_modules/typescript/bin/tsc", import.meta.url),
);

test("TypeScript: tsc --noEmit --strict on a consumer using every export", () => {
  const args = [
    tsc,
    "--noEmit",
    "--strict",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--target",
    "es2022",
    "--lib",
    "es2022,dom",
    "consumer.ts",
  ];
  const output = execFileSync(process.execPath, args, {
    cwd: consumer,
    encoding: "utf8",
  });
  assert.equal(output, "");
});

test("TypeScript: a wrong option type is a compile error", async () => {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(
    `${consumer}/wrong.ts`,
    'import { verify } from "kmsjwt-verify";\nverify("t", "k", { algorithms: ["HS256"] });\n',
  );
  const args = [
    tsc,
    "--noEmit",
    "--strict",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
  ];
  let stdout = "";
  try {
    execFileSync(
      process.execPath,
      [...args, "--lib", "es2022,dom", "wrong.ts"],
      { cwd: consumer, encoding: "utf8" },
    );
  } catch (error) {
    stdout = error.stdout;
  }
  assert.match(stdout, /"HS256"/);
});
