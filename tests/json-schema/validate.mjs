// Validates YAML files against a JSON Schema with Ajv, the validator that
// YAML editors' language servers build on. Usage:
//   node validate.mjs SCHEMA.json FILE.yaml…
// Prints one line per file, `valid FILE` or `invalid FILE: <errors>`, and
// exits 2 when the JSON Schema itself does not compile.
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { parse } from "yaml";

const [schemaPath, ...files] = process.argv.slice(2);
// Strict mode rejects unknown keywords and meta-schemas, so a misspelt
// `$schema` or keyword fails here rather than being ignored by an editor.
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
let validate;
try {
  validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
} catch (error) {
  console.log(`schema does not compile: ${error.message}`);
  process.exit(2);
}
for (const file of files) {
  const document = parse(readFileSync(file, "utf8"));
  if (validate(document)) {
    console.log(`valid ${file}`);
  } else {
    const errors = validate.errors
      .map((e) => `${e.instancePath || "/"} ${e.message}`)
      .join("; ");
    console.log(`invalid ${file}: ${errors}`);
  }
}
