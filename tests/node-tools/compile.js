// Compile every schema given on the command line with ajv, JSON Schema 2020-12, strict
// mode (unknown keywords, required names not defined beside them, type-specific keywords
// without a type: all errors). Prints one line per schema; exits 1 if any fails.
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats");

let failed = 0;
for (const path of process.argv.slice(2)) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  try {
    ajv.compile(JSON.parse(fs.readFileSync(path, "utf8")));
    console.log(`ok -- ${path} compiles in ajv strict mode`);
  } catch (error) {
    failed += 1;
    console.log(`FAILED -- ${path}: ${error.message}`);
  }
}
process.exit(failed ? 1 : 0);
